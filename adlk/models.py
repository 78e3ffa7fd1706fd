"""旧的导入路径：第 1 章的模型已移到 :mod:`adlk.ch01`（``from adlk.ch01 import build_mlp``）。暂时保留。"""

from adlk.ch01.models import BUILDERS, build_cnn, build_mlp, build_rnn

__all__ = ["BUILDERS", "build_cnn", "build_mlp", "build_rnn"]
