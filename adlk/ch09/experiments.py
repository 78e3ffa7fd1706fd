"""第 9 章的运行记录：网格世界与 FrozenLake 上的 Q 学习，CartPole 上的 DQN 与 DDQN，每行 3 个种子。

每一行按书中脚本的设置运行，记下能与页面说法核对的数：网格世界 Q 表与最优 Q 表的差，FrozenLake 贪心策略的
成功率，CartPole 解决所需的回合数和每回合的总奖励。画图所需的 Q 表存成小文件，插图只读这些文件。

书中给出的数写在各行的 ``book`` 里（不属于有效性键）：FrozenLake 的表 9.5.1（训练期间与测试时到达目标的
百分比，“不打滑”一行对应本站书中写法的那一行），以及 CartPole 上 DQN、DDQN 10 次运行平均解决所需的回合数。

"""

from __future__ import annotations

import time

import numpy as np

from adlk.runs.spec import Metric, Run, Table, TaskResult

SEEDS = (0, 1, 2)
_SOURCES_Q = ("adlk.ch09.qlearning:QWorld", "adlk.ch09.qlearning:q_learning_world", "adlk.ch09.qlearning:optimal_q",
              "adlk.ch09.qlearning:QAgent", "adlk.ch09.qlearning:train_frozenlake",
              "adlk.ch09.qlearning:evaluate_greedy", "adlk.ch09.envs:make_env")
_SOURCES_DQN = ("adlk.ch09.dqn:build_q_model", "adlk.ch09.dqn:q_values_numpy", "adlk.ch09.dqn:ReplayMemory",
                "adlk.ch09.dqn:DQNAgent", "adlk.ch09.dqn:run_episode", "adlk.ch09.envs:make_env")
EVAL_EPISODES = 1000
"""FrozenLake 训练结束后，用贪心策略（不探索）评估的回合数。"""
BOOK_RANDOM_SUCCESS = 1.5
"""书中表 9.5.1 的“纯随机动作”一行（书中脚本的 ``-e``）：到达目标的百分比。本站没有对应的记录行。"""
BLOCK = 1000
"""FrozenLake 训练曲线的分段长度：每 1000 个回合记一次到达目标的比例。"""


def _frozen(row: str, slippery: bool, how: str, label: str, book: dict[str, float] | None = None) -> Run:
    params = {"env": "FrozenLake-v1", "is_slippery": slippery, "set_by": how, "episodes": 40000, "gamma": 0.9,
              "learning_rate": 0.1, "epsilon": 0.9, "epsilon_min": 0.1, "eval_episodes": EVAL_EPISODES}
    where = "传给 make" if how == "make" else "make 之后给属性赋值（书中写法）"
    return Run(row, params, seeds=SEEDS, book=book or {},
               show={"冰面": label, "is_slippery=False 的写法": where if not slippery else "—"})


def _cartpole(row: str, double: bool, book: float) -> Run:
    params = {"env": "CartPole-v0", "double": double, "max_episodes": 3000, "win_trials": 100, "win_reward": 195.0,
              "gamma": 0.9, "batch_size": 64, "epsilon_episodes": 500, "target_every": 10}
    return Run(row, params, seeds=SEEDS, book={"episodes_to_solve": book},
               show={"方法": "DDQN" if double else "DQN", "环境": "CartPole-v0（195 分）"})


TABLES = (
    Table(chapter="ch09", name="gridworld", title="6 个状态的网格世界上的 Q 学习（书中 9.3 节的脚本）",
          task="adlk.ch09.experiments:run_gridworld", sources=_SOURCES_Q, show_columns=("设置",),
          metrics=(Metric("pairs_exact", "等于 Q* 的 Q 值个数（共 16 个）", digits=1, primary=True),
                   Metric("greedy_is_optimal", "贪心策略最优 %", scale=100, digits=0),
                   Metric("episodes", "回合数", digits=0, higher_is_better=None),
                   Metric("steps_last", "最后 100 次获胜的平均步数", digits=2, higher_is_better=False)),
          runs=(Run("q-learning", {"max_wins": 2000, "gamma": 0.9, "epsilon": 0.9, "epsilon_decay": 0.9,
                                   "epsilon_min": 0.1}, seeds=SEEDS,
                    show={"设置": "γ = 0.9，ε 0.9 → 0.1，赢 2000 次"}),)),
    Table(chapter="ch09", name="frozenlake",
          title="FrozenLake-v1 上的 Q 学习（书中 9.5 节的脚本，40,000 个回合；书中的数取自书中的表 9.5.1）",
          task="adlk.ch09.experiments:run_frozenlake", sources=_SOURCES_Q, show_columns=("冰面", "is_slippery=False 的写法"),
          metrics=(Metric("greedy_success", "贪心策略成功率 %", scale=100, digits=1, primary=True),
                   Metric("train_success", "训练期间到达目标 %", scale=100, digits=1),
                   Metric("slip_probability", "动作走偏的概率 %", scale=100, digits=1, higher_is_better=None)),
          # 书中表 9.5.1：“测试”是载入 Q 表、ε = 0、不再更新（书中脚本的 -d）时到达目标的百分比
          runs=(_frozen("slippery", True, "make", "打滑", book={"greedy_success": 71.0, "train_success": 26.0}),
                _frozen("not-slippery", False, "make", "不打滑"),
                _frozen("book-attribute", False, "attribute", "书中的“不打滑”",
                        book={"greedy_success": 76.0, "train_success": 26.0}))),
    Table(chapter="ch09", name="cartpole",
          title="CartPole-v0 上的 DQN 与 DDQN（书中 9.6 节的脚本；书中的数是 10 次运行的平均）",
          task="adlk.ch09.experiments:run_cartpole", sources=_SOURCES_DQN, show_columns=("方法", "环境"),
          metrics=(Metric("episodes_to_solve", "解决时的回合", digits=0, higher_is_better=False, primary=True),
                   Metric("solved", "解决的比例 %", scale=100, digits=0),
                   Metric("env_steps", "环境步数", digits=0, higher_is_better=None)),
          runs=(_cartpole("dqn", False, 822.0), _cartpole("ddqn", True, 971.0))),
)
"""第 9 章的全部表。"""


def run_gridworld(run: Run, ctx) -> TaskResult:
    """网格世界：Q 学习到赢满 2000 次，与值迭代求出的最优 Q 表比较。"""
    from adlk.ch09.qlearning import QWorld, optimal_q, q_learning_world

    p = run.params
    world = QWorld()
    max_wins = ctx.profile.cap(p["max_wins"], "episodes")
    q_table, steps, episodes = q_learning_world(world, max_wins=max_wins, gamma=p["gamma"], epsilon=p["epsilon"],
                                                epsilon_decay=p["epsilon_decay"], epsilon_min=p["epsilon_min"],
                                                seed=ctx.seed)
    best = optimal_q(world, p["gamma"])
    live = [s for s in range(world.n_states) if s not in (world.goal, world.hole)]
    ctx.save_npz("q_table", q_table=q_table.astype(np.float32), optimal=best.astype(np.float32))
    greedy = [int(np.argmax(q_table[s])) for s in live]
    error = np.abs(q_table - best)[live]
    return TaskResult(
        metrics={"pairs_exact": float(np.sum(error < 1e-6)), "max_error": float(error.max()),
                 "episodes": float(episodes),
                 "steps_last": float(np.mean(steps[-100:])), "wins": float(len(steps)),
                 # 贪心动作是最优动作之一（状态 3 向右、向上同样好）
                 "greedy_is_optimal": float(all(best[s, a] == best[s].max() for s, a in zip(live, greedy)))},
        history={"steps_to_goal": [int(s) for s in steps]},
        counts={"episodes": int(episodes), "wins": len(steps)},
    )


def slip_probability(env, trials=2000, seed=0) -> float:
    """从起点向下走，实际没有向下走的比例（不打滑时为 0，打滑时约 2/3）。"""
    moved_wrong = 0
    env.reset(seed=seed)
    for _ in range(trials):
        env.reset()
        state, *_ = env.step(1)
        moved_wrong += state != 4
    return moved_wrong / trials


def run_frozenlake(run: Run, ctx) -> TaskResult:
    """FrozenLake：按书中的设置训练 40,000 个回合，再用贪心策略评估 1000 个回合。"""
    from adlk.ch09.envs import make_env
    from adlk.ch09.qlearning import QAgent, evaluate_greedy, train_frozenlake

    p = run.params
    if p["set_by"] == "make":
        env = make_env(p["env"], is_slippery=p["is_slippery"])
    else:
        # 书中的写法：环境建好之后再给属性赋值。转移表 P 在构造时已经生成，这一行不起作用
        env = make_env(p["env"])
        env.is_slippery = p["is_slippery"]
    episodes = ctx.profile.cap(p["episodes"], "episodes")
    agent = QAgent(int(env.observation_space.n), int(env.action_space.n), episodes=p["episodes"], gamma=p["gamma"],
                   learning_rate=p["learning_rate"], epsilon=p["epsilon"], epsilon_min=p["epsilon_min"],
                   seed=ctx.seed)
    start = time.perf_counter()
    goals = train_frozenlake(env, agent, episodes=episodes, seed=ctx.seed)
    train_seconds = time.perf_counter() - start
    n_eval = ctx.profile.cap(p["eval_episodes"], "episodes")
    success = evaluate_greedy(env, agent.q_table, episodes=n_eval, seed=100_000 + ctx.seed)
    blocks = goals[: len(goals) // BLOCK * BLOCK].reshape(-1, BLOCK).mean(axis=1) if len(goals) >= BLOCK else goals
    ctx.save_npz("q_table", q_table=agent.q_table.astype(np.float32))
    env.close()
    return TaskResult(
        metrics={"greedy_success": float(success), "train_success": float(goals.mean()),
                 "slip_probability": float(slip_probability(make_env(p["env"], is_slippery=p["is_slippery"])
                                                            if p["set_by"] == "make" else env)),
                 "final_epsilon": float(agent.epsilon)},
        history={"goal_rate_per_1000": [round(float(b), 4) for b in blocks]},
        counts={"episodes": int(episodes), "eval_episodes": int(n_eval)},
        timing={"train_seconds": round(train_seconds, 1)},
    )


def run_cartpole(run: Run, ctx) -> TaskResult:
    """CartPole：DQN 或 DDQN，直到最近 100 个回合的平均总奖励达到 195（或用完 3000 个回合）。

    每个回合用由 (种子, 回合) 决定的随机数，回合之间定期存检查点：中断后从检查点接着跑，结果与
    不中断时相同。
    """
    import keras

    from adlk.ch09.dqn import DQNAgent, run_episode
    from adlk.ch09.envs import make_env
    from adlk.runs.context import RunDeferred, keras_state, load_keras_state

    p = run.params
    env = make_env(p["env"])
    keras.utils.set_random_seed(ctx.seed)
    agent = DQNAgent(int(env.observation_space.shape[0]), int(env.action_space.n), episodes=p["epsilon_episodes"],
                     gamma=p["gamma"], batch_size=p["batch_size"], double=p["double"], seed=ctx.seed)
    models = (agent.q_model, agent.target_q_model, agent.q_model.optimizer)
    agent.q_model.optimizer.build(agent.q_model.trainable_variables)
    returns: list[float] = []
    losses: list[float] = []
    solved_at = None
    saved = ctx.restore()
    if saved is not None:
        state, arrays = saved
        n_model = len(keras_state(*models))
        load_keras_state(arrays[:n_model], *models)
        for a in zip(("states", "actions", "rewards", "next_states", "terminated"), arrays[n_model:]):
            setattr(agent.memory, a[0], np.array(a[1]))
        agent.memory.size = int(state["memory_size"])
        agent.epsilon, agent.replay_counter = state["epsilon"], state["replay_counter"]
        agent.weights = agent.q_model.get_weights()
        returns, losses, solved_at = state["returns"], state["losses"], state["solved_at"]
    max_episodes = ctx.profile.cap(p["max_episodes"], "episodes")
    start = time.perf_counter()
    episode = len(returns)
    while episode < max_episodes and solved_at is None:
        agent.rng = ctx.rng(episode)
        returns.append(run_episode(env, agent, seed=int(ctx.rng(episode).integers(2**31))))
        if len(agent.memory) >= p["batch_size"]:
            losses.append(agent.replay())
        window = returns[-p["win_trials"]:]
        if episode >= p["win_trials"] and np.mean(window) >= p["win_reward"]:
            solved_at = episode
        episode += 1
        if solved_at is None and episode < max_episodes:
            state = {"returns": returns, "losses": losses, "solved_at": solved_at, "epsilon": agent.epsilon,
                     "replay_counter": agent.replay_counter, "memory_size": agent.memory.size}
            arrays = keras_state(*models) + [np.array(a) for a in agent.memory.arrays()]
            if ctx.out_of_time():
                ctx.checkpoint(state, arrays, force=True)
                raise RunDeferred(f"stopped at episode {episode} of {max_episodes}")
            ctx.checkpoint(state, arrays)
    seconds = time.perf_counter() - start
    env.close()
    return TaskResult(
        metrics={"episodes_to_solve": float(solved_at if solved_at is not None else len(returns)),
                 "solved": float(solved_at is not None), "env_steps": float(len(agent.memory)),
                 "final_mean_return": float(np.mean(returns[-p["win_trials"]:])),
                 "final_epsilon": float(agent.epsilon)},
        history={"return": [float(r) for r in returns], "loss": [round(float(v), 5) for v in losses]},
        counts={"episodes": len(returns), "env_steps": int(len(agent.memory)), "replays": int(agent.replay_counter)},
        timing={"train_seconds": round(seconds, 1)},
        extra={"max_episode_steps": int(env.spec.max_episode_steps), "reward_threshold": float(env.spec.reward_threshold),
               "episodes_to_solve_note": "0-based episode index at which the 100-episode mean first reached 195 "
                                         "(the book's 'Solved in episode'); episodes run when not solved"},
    )
