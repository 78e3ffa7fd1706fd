"""第 10 章的运行记录：预训练的状态自编码器，以及 MountainCarContinuous-v0 上的四种策略梯度方法。

书中每个方法训练 1000 个回合，每一步都 ``fit`` 一次；本站按 CPU 预算每个方法只训练 200 个回合（每行 3 个
种子），每个回合结束后更新一次。书中的结果是每个方法训练 5 次、挑最后 100 个回合总奖励最好的一次画出的曲线，
没有可以逐项对照的数（见 10.4 节的说明），所以各行没有 ``book`` 值。每一行记下到达山顶（目标）的回合数、
每回合的总奖励，以及训练结束时策略在状态平面上的均值与标准差（画图用的小文件）。
"""

from __future__ import annotations

import time

import numpy as np

from adlk.runs.spec import Metric, Run, Table, TaskResult

SEEDS = (0, 1, 2)
ENV = "MountainCarContinuous-v0"
EPISODES = 200
"""每个方法的回合预算（书中 1000 个回合）。"""
POLICY_GRID = 41
"""画策略图用的状态网格：位置 × 速度各 41 个点。"""
_SOURCES_AE = ("adlk.ch10.models:build_autoencoder", "adlk.ch10.experiments:train_autoencoder",
               "adlk.ch10.experiments:sample_states", "adlk.ch09.envs:make_env")
_SOURCES_PG = ("adlk.ch10.models:gaussian_log_prob", "adlk.ch10.models:gaussian_entropy", "adlk.ch10.models:softplusk",
               "adlk.ch10.models:build_actor", "adlk.ch10.models:build_value", "adlk.ch10.agents:discounted_returns",
               "adlk.ch10.agents:PolicyAgent", "adlk.ch10.agents:REINFORCEAgent",
               "adlk.ch10.agents:REINFORCEBaselineAgent", "adlk.ch10.agents:ActorCriticAgent",
               "adlk.ch10.agents:A2CAgent", "adlk.ch10.agents:run_episode",
               "adlk.ch10.experiments:train_autoencoder", "adlk.ch10.experiments:pretrained_encoder",
               *_SOURCES_AE)
_NAMES = {"reinforce": "REINFORCE", "reinforce-baseline": "带基线的 REINFORCE", "actor-critic": "演员–评论家",
          "a2c": "A2C"}
_SETTINGS = {"reinforce": "γ = 0.99", "reinforce-baseline": "γ = 0.99", "actor-critic": "γ = 0.99",
             "a2c": "γ = 0.95，β = 0.9"}


def _pg(method: str) -> Run:
    params = {"env": ENV, "method": method, "episodes": EPISODES, "actor_lr": 1e-3, "value_lr": 1e-3,
              "encoder": "autoencoder/state"}
    return Run(method, params, seeds=SEEDS,
               show={"方法": _NAMES[method], "设置": _SETTINGS[method], "回合": f"{EPISODES}（书中 1000）"})


TABLES = (
    Table(chapter="ch10", name="autoencoder", title="状态自编码器的预训练（书中的设置：20 万个随机状态，10 轮）",
          task="adlk.ch10.experiments:run_autoencoder", sources=_SOURCES_AE, show_columns=("结构",),
          metrics=(Metric("val_mse", "验证集 MSE（×10⁻⁶）", scale=1e6, digits=3, higher_is_better=False, primary=True),
                   Metric("parameters", "编码器参数个数", digits=0, higher_is_better=None)),
          runs=(Run("state", {"env": ENV, "train_samples": 200_000, "test_samples": 20_000, "epochs": 10,
                              "batch_size": 32, "feature_size": 32},
                    show={"结构": "2 → 256 → 128 → 32 → 128 → 256 → 2"}),)),
    Table(chapter="ch10", name="pg", title=f"MountainCarContinuous-v0 上的四种策略梯度方法（每个 {EPISODES} 个回合）",
          task="adlk.ch10.experiments:run_policy_gradient", sources=_SOURCES_PG, show_columns=("方法", "设置", "回合"),
          metrics=(Metric("goals", "到达山顶的回合数", digits=1, primary=True),
                   Metric("last_return", "最后 20 个回合的平均总奖励", digits=1),
                   Metric("final_stddev", "最后的策略标准差", digits=3, higher_is_better=None)),
          runs=tuple(_pg(m) for m in ("reinforce", "reinforce-baseline", "actor-critic", "a2c"))),
)
"""第 10 章的全部表。"""


def sample_states(env, n, seed):
    """从观测空间均匀地抽 ``n`` 个状态（书中用 ``observation_space.sample()`` 造训练数据）。"""
    env.observation_space.seed(seed)
    return np.array([env.observation_space.sample() for _ in range(n)], dtype="float32")


def train_autoencoder(params: dict, seed: int, small: bool, epochs: int, verbose=0):
    """按 ``params``（自编码器表的一行）训练状态自编码器；``small`` 时只用 2,000 / 500 个状态。

    Returns:
        ``(encoder, autoencoder, history, x_test)``。
    """
    import keras

    from adlk.ch09.envs import make_env
    from adlk.ch10.models import build_autoencoder

    env = make_env(params["env"])
    x_train = sample_states(env, 2_000 if small else params["train_samples"], seed=seed)
    x_test = sample_states(env, 500 if small else params["test_samples"], seed=seed + 1)
    keras.utils.set_random_seed(seed)
    encoder, _, autoencoder = build_autoencoder(x_train.shape[1], params["feature_size"])
    autoencoder.compile(loss="mse", optimizer="adam")
    history = autoencoder.fit(x_train, x_train, validation_data=(x_test, x_test), epochs=epochs,
                              batch_size=params["batch_size"], verbose=verbose)
    return encoder, autoencoder, history.history, x_test


def run_autoencoder(run: Run, ctx) -> TaskResult:
    """按书中的设置训练状态自编码器，保存编码器的参数（策略梯度各行加载它，冻结后使用）。"""
    p = run.params
    epochs = ctx.profile.cap(p["epochs"], "epochs")
    start = time.perf_counter()
    encoder, autoencoder, history, x_test = train_autoencoder(p, ctx.seed, not ctx.profile.is_full, epochs,
                                                              verbose=0 if ctx.verbose is None else ctx.verbose)
    seconds = time.perf_counter() - start
    ctx.save_npz("encoder", **{f"w{i}": w for i, w in enumerate(encoder.get_weights())})
    recon = np.asarray(autoencoder.predict_on_batch(x_test))
    return TaskResult(
        metrics={"val_mse": float(history["val_loss"][-1]), "parameters": float(encoder.count_params()),
                 "position_rmse": float(np.sqrt(np.mean((recon[:, 0] - x_test[:, 0]) ** 2))),
                 "velocity_rmse": float(np.sqrt(np.mean((recon[:, 1] - x_test[:, 1]) ** 2)))},
        history={k: [float(v) for v in vals] for k, vals in history.items()},
        counts={"epochs": epochs, "test_samples": len(x_test), "parameters": int(encoder.count_params())},
        timing={"train_seconds": round(seconds, 1)},
    )


def pretrained_encoder(ctx):
    """记录下来的状态编码器（``ch10/autoencoder`` 表 ``state`` 行的参数）和它的来源。

    没有记录时（或任务不在结果目录里运行时）当场按同样的设置训练一个；smoke 档位下数据和轮数都很小。
    """
    from adlk.ch10.models import build_autoencoder
    from adlk.runs.results import read_result, result_path

    table = TABLES[0]
    row = table.runs[0]
    if ctx.artifact_dir is not None:
        path = result_path(ctx.artifact_dir.parent.parent, table, row)
        if path.is_file():
            data = read_result(path)
            with np.load(path.parent / data["artifacts"]["encoder"]) as f:
                weights = [f[f"w{i}"] for i in range(len(f.files))]
            encoder = build_autoencoder(weights[0].shape[0], weights[-1].shape[0])[0]
            encoder.set_weights(weights)
            return encoder, f"recorded ({data['key']})"
    epochs = ctx.profile.cap(row.params["epochs"], "epochs")
    encoder = train_autoencoder(row.params, row.seeds[0], not ctx.profile.is_full, epochs)[0]
    return encoder, "trained in the run"


def policy_map(agent, env, n=POLICY_GRID):
    """状态平面（位置 × 速度）上策略的均值与标准差，float16 的 n × n 网格。"""
    low, high = env.observation_space.low, env.observation_space.high
    pos = np.linspace(low[0], high[0], n, dtype="float32")
    vel = np.linspace(low[1], high[1], n, dtype="float32")
    grid = np.array([[p, v] for v in vel for p in pos], dtype="float32")
    mean, stddev = agent.distribution(grid)
    return {"position": pos.astype(np.float16), "velocity": vel.astype(np.float16),
            "mean": mean.reshape(n, n).astype(np.float16), "stddev": stddev.reshape(n, n).astype(np.float16)}


def run_policy_gradient(run: Run, ctx) -> TaskResult:
    """一种策略梯度方法训练 ``episodes`` 个回合；每个回合结束后更新一次，定期存检查点。"""
    import keras

    from adlk.ch09.envs import make_env
    from adlk.ch10.agents import make_agent, run_episode
    from adlk.runs.context import RunDeferred, keras_state, load_keras_state

    p = run.params
    env = make_env(p["env"])
    encoder, source = pretrained_encoder(ctx)
    keras.utils.set_random_seed(ctx.seed)
    agent = make_agent(p["method"], encoder, float(env.action_space.low[0]), float(env.action_space.high[0]),
                       seed=ctx.seed)
    objects = (agent.actor, agent.value_model, agent.actor_optimizer, agent.value_optimizer)
    hist: dict[str, list] = {"return": [], "steps": [], "goal": [], "stddev": [], "mean": []}
    saved = ctx.restore()
    if saved is not None:
        state, arrays = saved
        load_keras_state(arrays, *objects)
        agent.refresh()
        hist = state["history"]
    episodes = ctx.profile.cap(p["episodes"], "episodes")
    start_state = np.array([[-0.5, 0.0]], dtype="float32")
    start = time.perf_counter()
    for episode in range(len(hist["return"]), episodes):
        rng = ctx.rng(episode)
        env_seed = int(rng.integers(2**31))
        agent.rng = rng
        data = run_episode(env, agent, seed=env_seed)
        agent.train_episode(data)
        mean, stddev = agent.distribution(start_state)
        hist["return"].append(round(float(data["rewards"].sum()), 4))
        hist["steps"].append(len(data["rewards"]))
        hist["goal"].append(int(data["terminated"]))
        hist["stddev"].append(round(float(stddev[0]), 5))
        hist["mean"].append(round(float(mean[0]), 5))
        if episode + 1 < episodes:
            arrays = keras_state(*objects)
            if ctx.out_of_time():
                ctx.checkpoint({"history": hist}, arrays, force=True)
                raise RunDeferred(f"stopped at episode {episode + 1} of {episodes}")
            ctx.checkpoint({"history": hist}, arrays)
    seconds = time.perf_counter() - start
    ctx.save_npz("policy", **policy_map(agent, env))
    goals = np.array(hist["goal"])
    first = int(np.argmax(goals)) if goals.any() else len(goals)
    return TaskResult(
        metrics={"goals": float(goals.sum()), "goal_rate": float(goals.mean()),
                 "last_return": float(np.mean(hist["return"][-20:])), "best_return": float(np.max(hist["return"])),
                 "first_goal": float(first), "final_stddev": float(hist["stddev"][-1]),
                 "final_mean": float(hist["mean"][-1])},
        history=hist,
        counts={"episodes": episodes, "env_steps": int(np.sum(hist["steps"]))},
        timing={"train_seconds": round(seconds, 1)},
        extra={"encoder": source, "max_episode_steps": int(env.spec.max_episode_steps),
               "reward_threshold": float(env.spec.reward_threshold),
               "stddev_note": "policy mean and stddev at the state (-0.5, 0), the bottom of the valley"},
    )
