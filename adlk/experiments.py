"""旧的导入路径：对比表已移到 ``adlk.ch01.experiments``，运行器在 :mod:`adlk.runs`。暂时保留。"""

from adlk.ch01.experiments import REFERENCE_ROWS, STEPS_PER_EXECUTION, TABLES, run_classifier, table

__all__ = ["REFERENCE_ROWS", "STEPS_PER_EXECUTION", "TABLES", "run_classifier", "table"]
