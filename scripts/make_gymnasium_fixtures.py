#!/usr/bin/env python3
"""CartPole-v1 trajectories recorded from Gymnasium itself, for Recurrent's environment tests.

    pip install gymnasium
    python3 scripts/make_gymnasium_fixtures.py   # writes Tests/TaskTests/Fixtures/cartpole_gymnasium.json

For each episode: the seed given to reset, the state reset drew (float64, the dynamics' own
precision; the observation is that state rounded to float32), the actions taken, and after every
step the observation (float32 values), reward, terminated and truncated flags, exactly as
`gymnasium.make("CartPole-v1")` (TimeLimit 500) returns them. The actions come from a fixed rule
so that some episodes end by termination (the pole falls or the cart leaves the track) and one by
truncation at 500 steps:

    "random":     actions drawn by numpy.random.default_rng(seed + 1000)
    "controller": 1 if theta + 0.5 * theta_dot + 0.01 * x + 0.1 * x_dot > 0 else 0 (balances 500 steps)
    "push-right": always 1 (the pole falls quickly)
"""
import json
import pathlib

import gymnasium
import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests" / "TaskTests" / "Fixtures" / "cartpole_gymnasium.json"


def controller(observation):
    x, x_dot, theta, theta_dot = (float(v) for v in observation)
    return 1 if theta + 0.5 * theta_dot + 0.01 * x + 0.1 * x_dot > 0 else 0


def record(seed, rule):
    env = gymnasium.make("CartPole-v1")
    observation, _ = env.reset(seed=seed)
    initial_state = [float(v) for v in env.unwrapped.state]
    rng = np.random.default_rng(seed + 1000)
    episode = {
        "seed": seed, "rule": rule, "initial_state": initial_state,
        "initial_observation": [float(v) for v in observation],
        "actions": [], "observations": [], "rewards": [], "terminated": [], "truncated": [],
    }
    while True:
        if rule == "random":
            action = int(rng.integers(0, 2))
        elif rule == "controller":
            action = controller(observation)
        else:
            action = 1
        observation, reward, terminated, truncated, _ = env.step(action)
        episode["actions"].append(action)
        episode["observations"].append([float(v) for v in observation])
        episode["rewards"].append(float(reward))
        episode["terminated"].append(bool(terminated))
        episode["truncated"].append(bool(truncated))
        if terminated or truncated:
            break
    env.close()
    return episode


def main():
    episodes = [record(seed, "random") for seed in range(5)]
    episodes += [record(seed, "push-right") for seed in (7, 8)]
    episodes += [record(seed, "controller") for seed in (11, 12)]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"gymnasium_version": gymnasium.__version__, "episodes": episodes}, separators=(",", ":")) + "\n")
    for episode in episodes:
        print(episode["rule"], episode["seed"], len(episode["actions"]), "steps,",
              "terminated" if episode["terminated"][-1] else "truncated")


if __name__ == "__main__":
    main()
