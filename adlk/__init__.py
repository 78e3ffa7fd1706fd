"""adlk：《Advanced Deep Learning with Keras》中文可执行版的配套代码。

模块按关注点划分：

- :mod:`adlk.profiles`：运行档位（``full`` / ``smoke``）；
- :mod:`adlk.datasets`：离线 MNIST 与三种输入形式；
- :mod:`adlk.models`：第 1 章的 MLP、CNN、RNN；
- :mod:`adlk.training`：编译、训练、计时；
- :mod:`adlk.experiments`：对比表的配置与运行器；
- :mod:`adlk.report`：把结果文件变成表格与图；
- :mod:`adlk.figures`：文档里的全部插图；
- :mod:`adlk.cli`：命令行（``python -m adlk``）。
"""

__version__ = "0.1.0"
