"""第 9 章 深度强化学习：Q 学习、FrozenLake、DQN 与 DDQN，都在 Gymnasium 1.x 上运行。

- 9.1 节（强化学习的基本概念）、9.2 节（Q 学习）：:class:`QWorld`、:func:`q_learning_world`、:func:`optimal_q`；
- 9.3 节（FrozenLake）：:func:`make_env`（检查 Gymnasium 版本）、:class:`QAgent`、:func:`train_frozenlake`、
  :func:`evaluate_greedy`；已知转移概率时的精确计算（最优策略与步数上限内的成功率）在 ``adlk.ch09.optimal``；
- 9.4 节（DQN）：:func:`build_q_model`、:func:`q_values_numpy`、:class:`ReplayMemory`、:class:`DQNAgent`、
  :func:`run_episode`；9.5 节（DDQN）：``DQNAgent(..., double=True)``。

对比表与插图分别在 ``adlk.ch09.experiments`` 和 ``adlk.ch09.figures`` 里，``import adlk.ch09`` 不会导入它们。
"""

from adlk.ch09.dqn import DQNAgent, ReplayMemory, build_q_model, q_values_numpy, run_episode
from adlk.ch09.envs import GYMNASIUM_PIN, GymnasiumVersionError, check_gymnasium, make_env
from adlk.ch09.qlearning import ACTIONS, QAgent, QWorld, evaluate_greedy, optimal_q, q_learning_world, train_frozenlake

__all__ = ["ACTIONS", "DQNAgent", "GYMNASIUM_PIN", "GymnasiumVersionError", "QAgent", "QWorld", "ReplayMemory",
           "build_q_model", "check_gymnasium", "evaluate_greedy", "make_env", "optimal_q", "q_learning_world",
           "q_values_numpy", "run_episode", "train_frozenlake"]
