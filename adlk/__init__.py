"""adlk：《Advanced Deep Learning with Keras》中文可执行版的配套代码。

包的结构与书的章节一一对应：

- :mod:`adlk.ch01` …：每章一个子包，放这一章讲的模型、训练代码、对比表（``experiments``）与插图（``figures``）；
  后面的章节从前面的章节导入（例如 ``from adlk.ch01 import build_cnn``）；
- :mod:`adlk.profiles`：运行档位（``full`` / ``smoke``）与 :func:`adlk.profiles.budget`；
- :mod:`adlk.datasets`：离线 MNIST、CIFAR-10 的下载与缓存；
- :mod:`adlk.training`：编译、训练、计时、可续跑的 ``fit``；
- :mod:`adlk.runs`：记录真实运行（表的声明、运行器、结果文件、来历、检查点）；
- :mod:`adlk.site`：由代码与结果生成网站（插图、表格、笔记本、MkDocs 钩子）；
- :mod:`adlk.cli`：命令行（``python -m adlk``）。
"""

__version__ = "0.1.0"
