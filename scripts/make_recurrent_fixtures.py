#!/usr/bin/env python3
"""Golden values from PyTorch's nn.RNN / nn.LSTM / nn.GRU for Recurrent's parity tests.

    pip install torch
    python3 scripts/make_recurrent_fixtures.py   # writes Tests/NNTests/Fixtures/recurrent.json

For each case: the module's parameters (state_dict names), an input, initial states, and
optional per-sequence lengths (run through pack_padded_sequence with enforce_sorted=False);
then the output (padded back with zeros), the final states, and the gradients of

    loss = sum(output * output_weights) + sum(h_n * h_weights) [+ sum(c_n * c_weights)]

with respect to the input, the initial states and every parameter. All in float32 on the CPU.
"""
import json
import pathlib

import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

torch.manual_seed(0)
torch.set_num_threads(1)
ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests" / "NNTests" / "Fixtures" / "recurrent.json"

KINDS = {
    "lstm": lambda i, h, l, b, bf: torch.nn.LSTM(i, h, num_layers=l, bidirectional=b, batch_first=bf),
    "gru": lambda i, h, l, b, bf: torch.nn.GRU(i, h, num_layers=l, bidirectional=b, batch_first=bf),
    "rnn_tanh": lambda i, h, l, b, bf: torch.nn.RNN(i, h, num_layers=l, bidirectional=b, batch_first=bf, nonlinearity="tanh"),
    "rnn_relu": lambda i, h, l, b, bf: torch.nn.RNN(i, h, num_layers=l, bidirectional=b, batch_first=bf, nonlinearity="relu"),
}
# (layers, bidirectional, batch_first, lengths or None)
SHAPES = [
    (1, False, True, None),
    (2, True, True, [5, 2, 4]),
    (3, False, False, [3, 5, 1]),
    (2, True, False, None),
    (1, True, True, [1, 5, 3]),
]
INPUT, HIDDEN, BATCH, TIME = 3, 4, 3, 5


def flat(t):
    # 9 significant digits represent every float32 exactly.
    return [float(f"{v:.9g}") for v in t.detach().reshape(-1).tolist()]


def case(kind, layers, bidirectional, batch_first, lengths):
    module = KINDS[kind](INPUT, HIDDEN, layers, bidirectional, batch_first)
    directions = 2 if bidirectional else 1
    shape = (BATCH, TIME, INPUT) if batch_first else (TIME, BATCH, INPUT)
    x = torch.randn(shape, requires_grad=True)
    h0 = (0.5 * torch.randn(layers * directions, BATCH, HIDDEN)).requires_grad_()
    c0 = (0.5 * torch.randn(layers * directions, BATCH, HIDDEN)).requires_grad_() if kind == "lstm" else None
    state = (h0, c0) if kind == "lstm" else h0
    if lengths is None:
        output, final = module(x, state)
    else:
        packed = pack_padded_sequence(x, torch.tensor(lengths), batch_first=batch_first, enforce_sorted=False)
        packed_output, final = module(packed, state)
        output, _ = pad_packed_sequence(packed_output, batch_first=batch_first, total_length=TIME)
    h_n, c_n = final if kind == "lstm" else (final, None)
    output_weights = torch.randn(output.shape)
    h_weights = torch.randn(h_n.shape)
    loss = (output * output_weights).sum() + (h_n * h_weights).sum()
    c_weights = None
    if c_n is not None:
        c_weights = torch.randn(c_n.shape)
        loss = loss + (c_n * c_weights).sum()
    loss.backward()
    result = {
        "kind": kind, "layers": layers, "bidirectional": bidirectional, "batch_first": batch_first,
        "lengths": lengths, "input_size": INPUT, "hidden_size": HIDDEN, "batch": BATCH, "time": TIME,
        "parameters": {name: {"shape": list(p.shape), "values": flat(p)} for name, p in module.named_parameters()},
        "parameter_gradients": {name: flat(p.grad) for name, p in module.named_parameters()},
        "input": flat(x), "input_gradient": flat(x.grad),
        "h0": flat(h0), "h0_gradient": flat(h0.grad),
        "output": flat(output), "output_weights": flat(output_weights),
        "h_n": flat(h_n), "h_weights": flat(h_weights),
    }
    if c_n is not None:
        result.update({"c0": flat(c0), "c0_gradient": flat(c0.grad), "c_n": flat(c_n), "c_weights": flat(c_weights)})
    return result


def main():
    cases = [case(kind, *shape) for kind in KINDS for shape in SHAPES]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"torch": torch.__version__, "cases": cases}, separators=(",", ":")))
    print(f"wrote {len(cases)} cases to {OUT.relative_to(ROOT)} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
