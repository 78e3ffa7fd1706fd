"""第 10 章 策略梯度方法：REINFORCE、带基线的 REINFORCE、演员–评论家与 A2C，环境是 MountainCarContinuous-v0。

- 10.1 节（策略梯度定理）、10.2 节（高斯策略）：:func:`gaussian_log_prob`、:func:`gaussian_entropy`、
  :func:`softplusk`、:func:`build_autoencoder`、:func:`build_actor`、:func:`build_value`；
- 10.3 节（四种方法）：:class:`PolicyAgent`、:class:`REINFORCEAgent`、:class:`REINFORCEBaselineAgent`、
  :class:`ActorCriticAgent`、:class:`A2CAgent`、:func:`make_agent`、:func:`discounted_returns`、:func:`run_episode`。

对比表与插图分别在 ``adlk.ch10.experiments`` 和 ``adlk.ch10.figures`` 里，``import adlk.ch10`` 不会导入它们。
"""

from adlk.ch10.agents import (AGENTS, A2CAgent, ActorCriticAgent, PolicyAgent, REINFORCEAgent, REINFORCEBaselineAgent,
                              discounted_returns, make_agent, run_episode)
from adlk.ch10.models import (build_actor, build_autoencoder, build_value, gaussian_entropy, gaussian_log_prob,
                              softplusk)

__all__ = ["AGENTS", "A2CAgent", "ActorCriticAgent", "PolicyAgent", "REINFORCEAgent", "REINFORCEBaselineAgent",
           "build_actor", "build_autoencoder", "build_value", "discounted_returns", "gaussian_entropy",
           "gaussian_log_prob", "make_agent", "run_episode", "softplusk"]
