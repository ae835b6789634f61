#!/usr/bin/env python3
"""PyTorch reference for `recurrent bench agent`: recurrent PPO on CartPole with positions only.

    pip install torch numpy
    python3 scripts/bench_agent_reference.py [--policy lstm] [--hidden 64] [--envs 16] [--rollout 32]
        [--epochs 20] [--minibatches 2] [--updates 10] [--threads N] [--json]

The same work as `recurrent bench agent`, written as Stable-Baselines3's RecurrentPPO and CleanRL's
ppo_atari_lstm.py write it (eager PyTorch on the CPU):

- 16 CartPole copies (Gymnasium's dynamics, vectorized in NumPy float64), observing (x, theta);
- the policy: nn.LSTM (or nn.GRU / nn.RNN) with `hidden` units, then actor and critic heads
  Linear(hidden, 64) -> tanh -> Linear(64, actions | 1), orthogonal initialization;
- a rollout: `rollout` steps of all copies, one forward per step under torch.no_grad, actions
  sampled from the softmax, the state zeroed for copies whose episode ended;
- GAE(gamma=0.98, lambda=0.8), normalized advantages;
- `epochs` passes of `minibatches` minibatches of whole copies' sequences, each replayed from the
  segment's start state with the state reset at episode starts (one call over the sequence when no
  episode starts in it, else one step at a time, as RecurrentPPO does), the clipped PPO loss, value
  loss 0.5, Adam(lr=1e-3, eps=1e-5), clip_grad_norm_(0.5).

Prints the environment steps per second over `updates` updates after one warm-up update. Run it
and `recurrent bench agent` alternately on a quiet machine to compare them.
"""
import argparse
import json
import time

import numpy as np
import torch
from torch import nn


class CartPoles:
    """Gymnasium's CartPole-v1 dynamics for many copies at once; observations (x, theta)."""

    def __init__(self, copies, rng):
        self.copies, self.rng = copies, rng
        self.state = rng.uniform(-0.05, 0.05, size=(copies, 4))
        self.steps = np.zeros(copies, dtype=np.int64)

    def observe(self):
        return self.state[:, [0, 2]].astype(np.float32)

    def step(self, action):
        x, x_dot, theta, theta_dot = self.state.T
        force = np.where(action == 1, 10.0, -10.0)
        cos, sin = np.cos(theta), np.sin(theta)
        temp = (force + 0.05 * theta_dot ** 2 * sin) / 1.1
        theta_acc = (9.8 * sin - cos * temp) / (0.5 * (4.0 / 3.0 - 0.1 * cos ** 2 / 1.1))
        x_acc = temp - 0.05 * theta_acc * cos / 1.1
        self.state = np.stack([x + 0.02 * x_dot, x_dot + 0.02 * x_acc, theta + 0.02 * theta_dot, theta_dot + 0.02 * theta_acc], axis=1)
        self.steps += 1
        x, theta = self.state[:, 0], self.state[:, 2]
        terminated = (np.abs(x) > 2.4) | (np.abs(theta) > 12 * 2 * np.pi / 360)
        truncated = ~terminated & (self.steps >= 500)
        done = terminated | truncated
        if done.any():
            self.state[done] = self.rng.uniform(-0.05, 0.05, size=(int(done.sum()), 4))
            self.steps[done] = 0
        return self.observe(), np.ones(self.copies, dtype=np.float32), done


def orthogonal(layer, gain):
    nn.init.orthogonal_(layer.weight, gain)
    nn.init.zeros_(layer.bias)
    return layer


class Policy(nn.Module):
    def __init__(self, kind, observations, hidden, actions):
        super().__init__()
        self.kind = kind
        self.rnn = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[kind](observations, hidden)
        self.actor = nn.Sequential(orthogonal(nn.Linear(hidden, 64), 2 ** 0.5), nn.Tanh(), orthogonal(nn.Linear(64, actions), 0.01))
        self.critic = nn.Sequential(orthogonal(nn.Linear(hidden, 64), 2 ** 0.5), nn.Tanh(), orthogonal(nn.Linear(64, 1), 1.0))

    def zero_state(self, batch):
        h = torch.zeros(1, batch, self.rnn.hidden_size)
        return (h, h.clone()) if self.kind == "lstm" else h

    @staticmethod
    def masked(state, keep):
        keep = keep.view(1, -1, 1)
        return tuple(s * keep for s in state) if isinstance(state, tuple) else state * keep

    def sequence(self, x, state, starts):
        """x [time, batch, obs]; starts [time, batch] (1 where an episode starts)."""
        if not starts[1:].any():
            output, _ = self.rnn(x, self.masked(state, 1 - starts[0]))
            return output
        outputs = []
        for t in range(x.shape[0]):
            output, state = self.rnn(x[t:t + 1], self.masked(state, 1 - starts[t]))
            outputs.append(output)
        return torch.cat(outputs)

    def heads(self, features):
        return self.actor(features), self.critic(features).squeeze(-1)


def select(state, index):
    return tuple(s[:, index] for s in state) if isinstance(state, tuple) else state[:, index]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--policy", default="lstm", choices=["lstm", "gru", "rnn"])
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--envs", type=int, default=16)
    parser.add_argument("--rollout", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--minibatches", type=int, default=2)
    parser.add_argument("--updates", type=int, default=10)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    rng = np.random.default_rng(1)
    envs = CartPoles(args.envs, rng)
    policy = Policy(args.policy, 2, args.hidden, 2)
    optimizer = torch.optim.Adam(policy.parameters(), lr=1e-3, eps=1e-5)
    gamma, lam, clip = 0.98, 0.8, 0.2
    state = policy.zero_state(args.envs)
    observation = torch.from_numpy(envs.observe())
    starts_now = torch.ones(args.envs)
    T, N = args.rollout, args.envs

    def update():
        nonlocal state, observation, starts_now
        start_state = state
        obs = torch.zeros(T, N, 2)
        actions = torch.zeros(T, N, dtype=torch.long)
        logps, values, rewards = torch.zeros(T, N), torch.zeros(T, N), torch.zeros(T, N)
        dones, starts = torch.zeros(T, N), torch.zeros(T, N)
        with torch.no_grad():
            for t in range(T):
                obs[t], starts[t] = observation, starts_now
                output, state = policy.rnn(observation.unsqueeze(0), state)
                logits, value = policy.heads(output[0])
                distribution = torch.distributions.Categorical(logits=logits)
                action = distribution.sample()
                actions[t], logps[t], values[t] = action, distribution.log_prob(action), value
                next_observation, reward, done = envs.step(action.numpy())
                rewards[t], dones[t] = torch.from_numpy(reward), torch.from_numpy(done.astype(np.float32))
                state = policy.masked(state, 1 - dones[t])
                starts_now = dones[t]
                observation = torch.from_numpy(next_observation)
            output, _ = policy.rnn(observation.unsqueeze(0), state)
            _, last_value = policy.heads(output[0])
            advantages = torch.zeros(T, N)
            next_value, next_advantage = last_value, torch.zeros(N)
            for t in reversed(range(T)):
                keep = 1 - dones[t]
                delta = rewards[t] + gamma * next_value * keep - values[t]
                next_advantage = delta + gamma * lam * keep * next_advantage
                advantages[t] = next_advantage
                next_value = values[t]
            returns = advantages + values
        size = N // args.minibatches
        for _ in range(args.epochs):
            order = torch.randperm(N)
            for first in range(0, N, size):
                index = order[first:first + size]
                features = policy.sequence(obs[:, index], select(start_state, index), starts[:, index])
                logits, value = policy.heads(features)
                logp_all = torch.log_softmax(logits, -1)
                logp = logp_all.gather(-1, actions[:, index].unsqueeze(-1)).squeeze(-1)
                advantage = advantages[:, index]
                advantage = (advantage - advantage.mean()) / (advantage.std() + 1e-8)
                ratio = torch.exp(logp - logps[:, index])
                policy_loss = torch.max(-advantage * ratio, -advantage * torch.clamp(ratio, 1 - clip, 1 + clip)).mean()
                value_loss = 0.5 * ((value - returns[:, index]) ** 2).mean()
                entropy = -(logp_all.exp() * logp_all).sum(-1).mean()
                loss = policy_loss + 0.5 * value_loss - 0.0 * entropy
                optimizer.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(policy.parameters(), 0.5)
                optimizer.step()

    update()  # warm-up
    begin = time.perf_counter()
    for _ in range(args.updates):
        update()
    seconds = time.perf_counter() - begin
    steps = args.updates * T * N
    result = {"framework": f"torch {torch.__version__}", "policy": args.policy, "hidden": args.hidden, "envs": N, "rollout": T,
              "epochs": args.epochs, "minibatches": args.minibatches, "updates": args.updates, "steps": steps,
              "threads": torch.get_num_threads(), "seconds": seconds, "steps_per_second": steps / seconds}
    if args.json:
        print(json.dumps(result, sort_keys=True))
    else:
        print(f"torch agent ppo {args.policy} {args.hidden}, {N} envs x {T} steps, {args.epochs} epochs x {args.minibatches} "
              f"minibatches: {steps / seconds:.0f} steps/s ({steps} steps in {seconds:.2f} s; {torch.get_num_threads()} threads)")


if __name__ == "__main__":
    main()
