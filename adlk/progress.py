"""长任务的进度显示：终端里是 tqdm 进度条，CI 与日志文件里每步一行纯文本。

复现对比表、重新生成插图、速度基准都要跑上几分钟到几十分钟。交互运行时给一个进度条；
输出重定向到文件（``nohup … > log``）或在 CI 中（环境变量 ``CI`` 为真）时，进度条的回车刷新
会把日志弄乱，所以改成每开始一步打印一行，例如::

    [adlk] figures 3/21: ch01/conv-steps.png
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO


def quiet_ci() -> bool:
    """在 CI 中（环境变量 ``CI`` 为 ``1``、``true`` 或 ``yes``）返回 True。"""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def use_bar(stream: TextIO | None = None) -> bool:
    """是否用进度条：输出是终端且不在 CI 中。"""
    stream = stream or sys.stderr
    return not quiet_ci() and hasattr(stream, "isatty") and stream.isatty()


class Progress:
    """遍历 ``items`` 并显示进度；用 :meth:`write` 打印不会打乱进度条的消息。

    Args:
        items: 要遍历的步骤。
        desc: 任务名，出现在每行开头。
        label: 把一步变成简短说明的函数（默认 ``str``）。
        enabled: 为假时什么也不打印（测试里用）。
        stream: 输出流，默认标准输出。
    """

    def __init__(self, items: Iterable[Any], desc: str, label: Callable[[Any], str] = str,
                 enabled: bool = True, stream: TextIO | None = None) -> None:
        self.items = list(items)
        self.desc = desc
        self.label = label
        self.enabled = enabled
        self.stream = stream or sys.stdout
        self._bar: Any = None

    def __iter__(self) -> Iterator[Any]:
        total = len(self.items)
        if self.enabled and use_bar(self.stream):
            from tqdm.auto import tqdm

            self._bar = tqdm(self.items, desc=self.desc, file=self.stream, leave=True)
            for item in self._bar:
                self._bar.set_postfix_str(self.label(item))
                yield item
            self._bar.close()
            self._bar = None
            return
        for i, item in enumerate(self.items, 1):
            self.write(f"{self.desc} {i}/{total}: {self.label(item)}")
            yield item

    def write(self, message: str) -> None:
        """打印一行 ``[adlk] message``（有进度条时打印在进度条上方）。"""
        if not self.enabled:
            return
        line = f"[adlk] {message}"
        if self._bar is not None:
            self._bar.write(line, file=self.stream)
        else:
            print(line, file=self.stream, flush=True)
