#!/usr/bin/env python3
"""PyTorch reference values for the optimizers, gradient clipping and learning-rate schedules.

    python3 scripts/make_optimizer_fixtures.py            # writes Tests/NNTests/Fixtures/optimizers.json
    python3 scripts/make_optimizer_fixtures.py --output path.json

Needs PyTorch (any 2.x; the version used is recorded in the file). Rerun it after changing a
configuration below, then run `swift test --filter OptimizerTests`.

The problem is two parameters, `weight` [3, 4] and `bias` [4], and a fixed sequence of ten
gradients fed to the optimizer directly (`p.grad = g; opt.step()`), so the Swift test can feed
exactly the same ones. `weight` gradients are of order 1 with `weight[0, 0]` always 0 (a
coordinate that never moves); the four `bias` coordinates are scaled by 1e-1, 1e-4, 1e-7 and
1e-10 so that every `eps` (Adam's 1e-8, Adagrad's 1e-10) changes the result measurably and a
misplaced `eps` fails the test. For each configuration the file holds the parameters after every
step and the optimizer state after the last step, keyed as `Optimizer.stateTensors()` keys it
(`exp_avg.weight`, `step.bias`, ...). A configuration may drop some gradients (`skip`): the
parameter then has `grad = None` for that step and PyTorch leaves it and its state untouched.

Each configuration is run twice: with stock PyTorch (`parameters`, `final_state`), and with
`Tensor.sqrt`/`sqrt_` replaced by a correctly rounded float32 square root (`exact_sqrt`, only
where the two differ). ATen's CPU `sqrt` (MKL VML on x86) is off by up to one ulp, which is the
only thing that keeps the Swift loops from reproducing PyTorch bit for bit; the second run is the
one they match exactly, the first the one they match to 1e-6. The CPU capability is recorded in
`cpu_capability`: its fused multiply-adds decide the last bit of `add(alpha=)`, `addcmul` and
`lerp`, so regenerate on an AVX2/AVX-512/NEON machine.
"""
import argparse
import contextlib
import json
import math
import os

import torch

STEPS = 10
SHAPES = {"weight": [3, 4], "bias": [4]}
BIAS_SCALES = torch.tensor([1e-1, 1e-4, 1e-7, 1e-10])

# name, torch class, keyword arguments ({} = PyTorch's defaults), dropped gradients [(step, name)]
OPTIMIZERS = [
    ("sgd_defaults", "SGD", {}, []),
    ("sgd", "SGD", {"lr": 0.1}, []),
    ("sgd_momentum", "SGD", {"lr": 0.1, "momentum": 0.9}, []),
    ("sgd_momentum_dampening", "SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.5}, []),
    ("sgd_nesterov", "SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}, []),
    ("sgd_momentum_weight_decay", "SGD", {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.01}, []),
    ("adagrad_defaults", "Adagrad", {}, []),
    ("adagrad", "Adagrad", {"lr": 0.1}, []),
    ("adagrad_weight_decay_lr_decay", "Adagrad", {"lr": 0.1, "weight_decay": 0.01, "lr_decay": 0.05}, []),
    ("adagrad_initial_accumulator", "Adagrad", {"lr": 0.1, "initial_accumulator_value": 0.1}, []),
    ("rmsprop_defaults", "RMSprop", {}, []),
    ("rmsprop_centered_momentum", "RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.9}, []),
    ("rmsprop_weight_decay", "RMSprop", {"lr": 0.01, "weight_decay": 0.01}, []),
    ("adam_defaults", "Adam", {}, []),
    ("adam", "Adam", {"lr": 0.05}, []),
    ("adam_weight_decay", "Adam", {"lr": 0.05, "weight_decay": 0.01}, []),
    ("adam_amsgrad", "Adam", {"lr": 0.05, "amsgrad": True}, []),
    ("adam_skipped_gradients", "Adam", {"lr": 0.05}, [(3, "bias"), (4, "bias"), (0, "weight")]),
    ("adamw_defaults", "AdamW", {}, []),
    ("adamw", "AdamW", {"lr": 0.05}, []),
    ("adamw_weight_decay", "AdamW", {"lr": 0.05, "weight_decay": 0.1}, []),
]

BASE_LR = 0.1
EPOCHS = 30
S = torch.optim.lr_scheduler
# name, constructor of the torch scheduler(s); the Swift test builds the same schedule by name.
SCHEDULES = [
    ("step", lambda o: S.StepLR(o, step_size=7, gamma=0.5)),
    ("step_default_gamma", lambda o: S.StepLR(o, step_size=10)),
    ("exponential", lambda o: S.ExponentialLR(o, gamma=0.9)),
    ("cosine", lambda o: S.CosineAnnealingLR(o, T_max=12, eta_min=0.001)),
    ("cosine_default_eta_min", lambda o: S.CosineAnnealingLR(o, T_max=30)),
    ("warmup_cosine", lambda o: S.SequentialLR(
        o, [S.LinearLR(o, start_factor=0.1, total_iters=5), S.CosineAnnealingLR(o, T_max=25)], milestones=[5])),
    ("warmup_step", lambda o: S.SequentialLR(
        o, [S.LinearLR(o, start_factor=0.25, total_iters=4), S.StepLR(o, step_size=5, gamma=0.5)], milestones=[4])),
]

# Metric sequences for ReduceLROnPlateau, exactly representable in float32.
PLATEAU_METRICS = [float(torch.tensor(v, dtype=torch.float32)) for v in
                   [1.0, 0.9, 0.85, 0.84995, 0.86, 0.9, 0.85, 0.85, 0.849, 0.95, 0.9, 0.9, 0.9, 0.9, 0.9,
                    0.9, 0.9, 0.9, 0.8, 0.81, 0.82, 0.83, 0.84, 0.85, 0.86, 0.87, 0.88, 0.89, 0.9, 0.91,
                    0.92, 0.93, 0.94, 0.95, 0.96, 0.97, 0.98, 0.99, 1.0, 1.01]]
PLATEAUS = [
    ("defaults", {}),
    ("patience_2", {"patience": 2}),
    ("patience_1_cooldown_2_min_lr", {"patience": 1, "cooldown": 2, "min_lr": 0.0004}),
    ("max_abs", {"mode": "max", "threshold_mode": "abs", "threshold": 0.01, "patience": 2, "factor": 0.5}),
    ("min_abs", {"threshold_mode": "abs", "threshold": 0.001, "patience": 0}),
]

CLIP_NORMS = [(2.0, 1.0), (2.0, 100.0), (1.0, 2.0), (float("inf"), 0.5), (3.0, 1.0)]
CLIP_VALUE = 0.5


def values(t):
    # 9 significant digits identify a float32 uniquely and keep the file small.
    return [float(f"{v:.9g}") for v in t.detach().reshape(-1).tolist()]


def tensor_json(t):
    return {"shape": list(t.shape), "values": values(t)}


def make_problem():
    generator = torch.Generator().manual_seed(20240501)
    initial = {name: torch.randn(shape, generator=generator) * 0.5 for name, shape in SHAPES.items()}
    gradients = []
    for _ in range(STEPS):
        weight = torch.randn(SHAPES["weight"], generator=generator)
        weight[0, 0] = 0
        bias = torch.randn(SHAPES["bias"], generator=generator) * BIAS_SCALES
        gradients.append({"weight": weight, "bias": bias})
    return initial, gradients


def run_optimizer(class_name, options, skip, initial, gradients):
    params = {name: torch.nn.Parameter(value.clone()) for name, value in initial.items()}
    names = list(params)
    optimizer = getattr(torch.optim, class_name)([params[n] for n in names], **options)
    trajectory = []
    for step, grads in enumerate(gradients):
        for name in names:
            params[name].grad = None if (step, name) in skip else grads[name].clone()
        optimizer.step()
        trajectory.append({name: values(params[name]) for name in names})
    state = {}
    for index, per_parameter in optimizer.state_dict()["state"].items():
        for key, value in per_parameter.items():
            if value is None:
                continue
            state[f"{key}.{names[index]}"] = tensor_json(torch.as_tensor(value, dtype=torch.float32))
    return trajectory, state


@contextlib.contextmanager
def correctly_rounded_sqrt():
    """Float32 sqrt through float64, which rounds correctly (53 >= 2·24 + 2 bits)."""
    sqrt, sqrt_ = torch.Tensor.sqrt, torch.Tensor.sqrt_
    torch.Tensor.sqrt = lambda t: sqrt(t.double()).to(t.dtype)
    torch.Tensor.sqrt_ = lambda t: t.copy_(sqrt(t.double()))
    try:
        yield
    finally:
        torch.Tensor.sqrt, torch.Tensor.sqrt_ = sqrt, sqrt_


def run_schedule(make):
    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([param], lr=BASE_LR)
    scheduler = make(optimizer)
    rates = []
    for _ in range(EPOCHS):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return rates


def run_plateau(options):
    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([param], lr=BASE_LR)
    scheduler = S.ReduceLROnPlateau(optimizer, **options)
    rates = []
    for metric in PLATEAU_METRICS:
        optimizer.step()
        scheduler.step(metric)
        rates.append(optimizer.param_groups[0]["lr"])
    return rates


def run_clipping(gradients):
    cases = []
    for norm_type, max_norm in CLIP_NORMS:
        params = [torch.nn.Parameter(torch.zeros(shape)) for shape in SHAPES.values()]
        for p, g in zip(params, gradients.values()):
            p.grad = g.clone()
        total = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type=norm_type)
        cases.append({
            "norm_type": "inf" if math.isinf(norm_type) else norm_type,
            "max_norm": max_norm,
            "total_norm": float(total),
            "clipped": {name: values(p.grad) for name, p in zip(SHAPES, params)},
        })
    params = [torch.nn.Parameter(torch.zeros(shape)) for shape in SHAPES.values()]
    for p, g in zip(params, gradients.values()):
        p.grad = g.clone()
    torch.nn.utils.clip_grad_value_(params, CLIP_VALUE)
    return cases, {"limit": CLIP_VALUE, "clipped": {name: values(p.grad) for name, p in zip(SHAPES, params)}}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default_output = os.path.join(os.path.dirname(__file__), "..", "Tests", "NNTests", "Fixtures", "optimizers.json")
    parser.add_argument("--output", default=default_output)
    args = parser.parse_args()

    torch.set_default_dtype(torch.float32)
    initial, gradients = make_problem()
    optimizers = []
    for name, class_name, options, skip in OPTIMIZERS:
        trajectory, state = run_optimizer(class_name, options, set(skip), initial, gradients)
        with correctly_rounded_sqrt():
            exact_trajectory, exact_state = run_optimizer(class_name, options, set(skip), initial, gradients)
        optimizers.append({
            "name": name, "optimizer": class_name, "options": options,
            "skip": [{"step": s, "parameter": p} for s, p in skip],
            "parameters": trajectory, "final_state": state,
        })
        if (exact_trajectory, exact_state) != (trajectory, state):
            optimizers[-1]["exact_sqrt"] = {"parameters": exact_trajectory, "final_state": exact_state}
    clip_norm, clip_value = run_clipping(gradients[0])
    fixture = {
        "torch_version": torch.__version__,
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "initial": {name: tensor_json(value) for name, value in initial.items()},
        "gradients": [{name: values(g) for name, g in step.items()} for step in gradients],
        "optimizers": optimizers,
        "schedules": {"base_lr": BASE_LR, "epochs": EPOCHS,
                      "rates": {name: run_schedule(make) for name, make in SCHEDULES}},
        "plateau": {"base_lr": BASE_LR, "metrics": PLATEAU_METRICS,
                    "cases": [{"name": name, "options": options, "rates": run_plateau(options)}
                              for name, options in PLATEAUS]},
        "clip_grad_norm": clip_norm,
        "clip_grad_value": clip_value,
    }
    with open(args.output, "w") as file:
        json.dump(fixture, file, separators=(",", ":"))
        file.write("\n")
    print(f"wrote {args.output} ({os.path.getsize(args.output)} bytes, torch {torch.__version__})")


if __name__ == "__main__":
    main()
