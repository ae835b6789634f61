#!/usr/bin/env python3
"""Golden values from PyTorch for Recurrent's attention and label-smoothed cross-entropy.

    pip install torch
    python3 scripts/make_seq2seq_fixtures.py   # writes Tests/NNTests/Fixtures/seq2seq.json

attention: for each kind, random parameters (named as Recurrent's Attention names them), queries
[batch, time, query], a memory [batch, memoryTime, memory] and lengths; PyTorch computes

    additive: e = (tanh((q @ W_q.T).unsqueeze(2) + (m @ W_m.T + b).unsqueeze(1)) @ v.T).squeeze(-1)
    general:  e = q @ (m @ W.T).transpose(1, 2)
    dot:      e = q @ m.transpose(1, 2)
    weights = softmax(e.masked_fill(position >= length, -inf), dim=-1); context = weights @ m

and the gradients of sum(context * cw) + sum(weights * ww) with respect to the queries, the
memory and the parameters.

label_smoothing: F.cross_entropy(logits, targets, ignore_index=0, label_smoothing=eps) and its
gradient, for rows whose target 0 is padding. All in float32 on the CPU.
"""
import json
import pathlib

import torch
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)
OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "NNTests" / "Fixtures" / "seq2seq.json"


def values(tensor):
    return [float(x) for x in tensor.detach().reshape(-1).tolist()]


def attention_case(kind):
    batch, time, memory_time, query_size, attention_size = 2, 3, 4, 3, 4
    memory_size = 3 if kind == "dot" else 5
    lengths = [4, 2]
    parameters = {}
    if kind == "additive":
        parameters = {"query_projection.weight": torch.randn(attention_size, query_size),
                      "memory_projection.weight": torch.randn(attention_size, memory_size),
                      "memory_projection.bias": torch.randn(attention_size),
                      "score.weight": torch.randn(1, attention_size)}
    elif kind == "general":
        parameters = {"memory_projection.weight": torch.randn(query_size, memory_size)}
    for tensor in parameters.values():
        tensor.requires_grad_(True)
    q = torch.randn(batch, time, query_size, requires_grad=True)
    m = torch.randn(batch, memory_time, memory_size, requires_grad=True)
    cw = torch.randn(batch, time, memory_size)
    ww = torch.randn(batch, time, memory_time)
    if kind == "additive":
        keys = m @ parameters["memory_projection.weight"].T + parameters["memory_projection.bias"]
        hidden = torch.tanh((q @ parameters["query_projection.weight"].T).unsqueeze(2) + keys.unsqueeze(1))
        e = (hidden @ parameters["score.weight"].T).squeeze(-1)
    elif kind == "general":
        e = q @ (m @ parameters["memory_projection.weight"].T).transpose(1, 2)
    else:
        e = q @ m.transpose(1, 2)
    padded = torch.arange(memory_time).unsqueeze(0) >= torch.tensor(lengths).unsqueeze(1)
    weights = torch.softmax(e.masked_fill(padded.unsqueeze(1), float("-inf")), dim=-1)
    context = weights @ m
    (context * cw).sum().add((weights * ww).sum()).backward()
    return {"kind": kind, "memory_size": memory_size, "attention_size": attention_size, "lengths": lengths,
            "parameters": {name: {"shape": list(t.shape), "values": values(t)} for name, t in parameters.items()},
            "queries": values(q), "memory": values(m), "context_weights": values(cw), "weight_weights": values(ww),
            "context": values(context), "weights": values(weights), "d_queries": values(q.grad), "d_memory": values(m.grad),
            "d_parameters": {name: values(t.grad) for name, t in parameters.items()}}


def label_smoothing_case():
    rows, classes, eps = 6, 7, 0.1
    logits = (torch.randn(rows, classes) * 2).requires_grad_(True)
    targets = torch.tensor([3, 0, 6, 1, 0, 4])  # 0 is padding: ignored
    loss = F.cross_entropy(logits, targets, ignore_index=0, label_smoothing=eps)
    loss.backward()
    return {"classes": classes, "smoothing": eps, "logits": values(logits), "targets": targets.tolist(),
            "loss": float(loss.detach()), "gradient": values(logits.grad)}


def main():
    fixture = {"torch": torch.__version__, "attention": [attention_case(kind) for kind in ["additive", "general", "dot"]],
               "label_smoothing": label_smoothing_case()}
    OUT.write_text(json.dumps(fixture, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
