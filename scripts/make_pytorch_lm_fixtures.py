#!/usr/bin/env python3
"""Language models trained by PyTorch, for Recurrent's PyTorch import/export tests.

    pip install torch safetensors
    python3 scripts/make_pytorch_lm_fixtures.py
        # writes Tests/TaskTests/Fixtures/pytorch/<case>/{state.safetensors, vocab.json, eval.txt, expected.json}
    python3 scripts/make_pytorch_lm_fixtures.py --check-export DIR --case CASE
        # loads DIR/state.safetensors (from `recurrent export pytorch`) into the model class below
        # with load_state_dict(strict=True) and checks the loss on CASE's eval.txt

The model is the architecture of PyTorch's `word_language_model` example (written here from
its description): an nn.Embedding `encoder`, a recurrent stack `rnn` (nn.LSTM, nn.GRU or nn.RNN
with dropout between layers), an nn.Linear `decoder`, dropout on the embeddings and on the
stack's output, encoder and decoder weights uniform in +-0.1 and the decoder bias zero, the
decoder optionally tied to the encoder. Its state_dict keys are the ones Recurrent uses.

Each case trains a small model for a few hundred steps on a text this script generates (so the
loss is well below uniform), then, in eval mode, computes the loss as `recurrent evaluate lm`
defines it: the whole evaluation text as one stream (batch 1) from a zero state, every token
after the first predicted, the mean cross-entropy in nats, summed in float64 from float32
per-token losses. Tokens: word level, each line split on whitespace plus `<eos>`, the
vocabulary in order of first appearance (training text, then evaluation text); character
level, one token per code point, the vocabulary sorted by code point.

Tied models are saved three ways, as PyTorch users do: `safetensors.torch.save_model` (which
deduplicates shared tensors and keeps `decoder.weight`, dropping `encoder.weight`), a state dict
without `decoder.weight`, and a state dict with `decoder.weight` cloned. Some cases are stored
as F16, BF16 or F64; their weights are rounded to that type before the loss is computed.
"""
import argparse
import json
import pathlib
import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import load_file, save_file, save_model

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests" / "TaskTests" / "Fixtures" / "pytorch"


class RNNModel(nn.Module):
    """Embedding -> dropout -> RNN/GRU/LSTM stack -> dropout -> Linear, as word_language_model."""

    def __init__(self, rnn_type, ntoken, ninp, nhid, nlayers, dropout=0.2, tie_weights=False):
        super().__init__()
        self.rnn_type, self.nhid, self.nlayers = rnn_type, nhid, nlayers
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(ntoken, ninp)
        between = dropout if nlayers > 1 else 0.0
        if rnn_type == "LSTM":
            self.rnn = nn.LSTM(ninp, nhid, nlayers, dropout=between)
        elif rnn_type == "GRU":
            self.rnn = nn.GRU(ninp, nhid, nlayers, dropout=between)
        else:
            activation = {"RNN_TANH": "tanh", "RNN_RELU": "relu"}[rnn_type]
            self.rnn = nn.RNN(ninp, nhid, nlayers, nonlinearity=activation, dropout=between)
        self.decoder = nn.Linear(nhid, ntoken)
        if tie_weights:
            if ninp != nhid:
                raise ValueError("tied weights need the embedding size to equal the hidden size")
            self.decoder.weight = self.encoder.weight
        nn.init.uniform_(self.encoder.weight, -0.1, 0.1)
        nn.init.zeros_(self.decoder.bias)
        if not tie_weights:
            nn.init.uniform_(self.decoder.weight, -0.1, 0.1)

    def forward(self, tokens, hidden):
        """tokens [time, batch] -> logits [time, batch, ntoken], final hidden."""
        embedded = self.drop(self.encoder(tokens))
        output, hidden = self.rnn(embedded, hidden)
        return self.decoder(self.drop(output)), hidden

    def zero_hidden(self, batch):
        h = torch.zeros(self.nlayers, batch, self.nhid)
        return (h, h.clone()) if self.rnn_type == "LSTM" else h


# MARK: - Text

DETERMINERS = ["the", "a"]
ADJECTIVES = ["small", "big", "red", "old", "happy"]
NOUNS = ["cat", "dog", "bird", "fox", "man", "girl", "boy"]
TRANSITIVE = ["sees", "likes", "chases", "finds", "eats"]
INTRANSITIVE = ["runs", "sleeps", "sings", "waits"]
ADVERBS = ["quickly", "slowly"]
PREPOSITIONS = ["near", "with"]


def noun_phrase(rng):
    words = [rng.choice(DETERMINERS)]
    if rng.random() < 0.4:
        words.append(rng.choice(ADJECTIVES))
    return words + [rng.choice(NOUNS)]


def sentence(rng):
    words = noun_phrase(rng)
    if rng.random() < 0.6:
        words += [rng.choice(TRANSITIVE)] + noun_phrase(rng)
    else:
        words.append(rng.choice(INTRANSITIVE))
        if rng.random() < 0.5:
            words.append(rng.choice(ADVERBS))
    if rng.random() < 0.3:
        words += [rng.choice(PREPOSITIONS)] + noun_phrase(rng)
    return words


def line(rng):
    words = sentence(rng)
    if rng.random() < 0.25:
        words += ["and"] + sentence(rng)
    return " ".join(words + ["."])


def word_texts(seed):
    """A training text and an evaluation text whose whitespace is irregular on purpose (double
    spaces, a tab, trailing blanks, an empty line, a \\r\\n, no final newline)."""
    rng = random.Random(seed)
    train = "\n".join(line(rng) for _ in range(1500)) + "\n"
    lines = [line(rng) for _ in range(50)]
    lines[3] = lines[3].replace(" ", "  ", 2)
    lines[7] = lines[7].replace(" ", "\t", 1) + "   "
    lines[12] = ""
    lines[20] = lines[20] + "\r"
    return train, "\n".join(lines)


def char_texts(seed):
    """Character-level text with a few non-ASCII code points."""
    rng = random.Random(seed)

    def char_line():
        text = line(rng)
        if rng.random() < 0.1:
            text = text.replace("happy", "naïve").replace(" and ", " — ")
        if rng.random() < 0.05:
            text += " café"
        return text

    train = "\n".join(char_line() for _ in range(600)) + "\n"
    return train, "\n".join(char_line() for _ in range(20)) + "\n"


def read_lines(path):
    """Lines as Python's text mode yields them (universal newlines), as the example reads files."""
    with open(path, "r", encoding="utf8") as file:
        return list(file)


def word_tokens(lines):
    return [word for text in lines for word in text.split() + ["<eos>"]]


def char_tokens(lines):
    return [character for text in lines for character in text]


# MARK: - Training and evaluation

def train(model, ids, steps, seed, batch=16, bptt=24, lr=0.005):
    torch.manual_seed(seed)
    data = torch.tensor(ids[: len(ids) // batch * batch]).view(batch, -1).t().contiguous()  # [time, batch]
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    position, hidden = 0, model.zero_hidden(batch)
    for _ in range(steps):
        if position + bptt + 1 > data.size(0):
            position, hidden = 0, model.zero_hidden(batch)
        inputs, targets = data[position : position + bptt], data[position + 1 : position + bptt + 1]
        hidden = tuple(h.detach() for h in hidden) if isinstance(hidden, tuple) else hidden.detach()
        logits, hidden = model(inputs, hidden)
        loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 0.25)
        optimizer.step()
        position += bptt
    return loss.item()


def stream_loss(model, ids):
    """The whole text as one stream from a zero state; float64 sums of float32 token losses."""
    model.eval()
    with torch.no_grad():
        tokens = torch.tensor(ids).view(-1, 1)
        logits, _ = model(tokens[:-1], model.zero_hidden(1))
        losses = F.cross_entropy(logits.view(-1, logits.size(-1)), tokens[1:].view(-1), reduction="none")
    total = losses.double().sum().item()
    return total, total / (len(ids) - 1)


# MARK: - Cases

DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "F64": torch.float64}

# name: (level, rnn_type, embedding, hidden, layers, tied, how a tied model is saved, dtype, seed)
CASES = {
    "lstm_word_tied": ("word", "LSTM", 16, 16, 2, True, "save_model", "F32", 1),
    "gru_word": ("word", "GRU", 8, 12, 1, False, None, "F32", 2),
    "rnn_tanh_word_tied": ("word", "RNN_TANH", 10, 10, 3, True, "clone", "F64", 3),
    "rnn_relu_word_tied": ("word", "RNN_RELU", 10, 10, 2, True, "drop_decoder", "F16", 4),
    "lstm_char": ("char", "LSTM", 12, 32, 1, False, None, "BF16", 5),
}
STEPS = 400


def make_case(name, level, rnn_type, embedding, hidden, layers, tied, tied_saving, dtype, seed):
    directory = OUT / name
    directory.mkdir(parents=True, exist_ok=True)
    train_text, eval_text = (word_texts if level == "word" else char_texts)(seed)
    (directory / "eval.txt").write_bytes(eval_text.encode("utf8"))
    train_path = directory / "train.txt.tmp"
    train_path.write_bytes(train_text.encode("utf8"))
    split = word_tokens if level == "word" else char_tokens
    train_tokens, eval_tokens = split(read_lines(train_path)), split(read_lines(directory / "eval.txt"))
    train_path.unlink()
    if level == "word":
        vocabulary = list(dict.fromkeys(train_tokens + eval_tokens))
    else:
        vocabulary = sorted(set(train_tokens + eval_tokens))
    index = {token: i for i, token in enumerate(vocabulary)}

    torch.manual_seed(seed)
    model = RNNModel(rnn_type, len(vocabulary), embedding, hidden, layers, dropout=0.2, tie_weights=tied)
    train_loss = train(model, [index[t] for t in train_tokens], STEPS, seed)
    with torch.no_grad():  # the stored precision is the model's precision
        for parameter in model.parameters():
            parameter.copy_(parameter.to(DTYPES[dtype]).float())
    eval_ids = [index[t] for t in eval_tokens]
    total, mean = stream_loss(model, eval_ids)

    state_path = directory / "state.safetensors"
    if tied and tied_saving == "save_model":
        assert dtype == "F32"
        save_model(model, str(state_path))
    else:
        state = {key: value.detach().to(DTYPES[dtype]).contiguous() for key, value in model.state_dict().items()}
        if tied and tied_saving == "drop_decoder":
            del state["decoder.weight"]
        elif tied:
            state["decoder.weight"] = state["decoder.weight"].clone()
        save_file(state, str(state_path))
    stored_keys = sorted(load_file(str(state_path)).keys())

    (directory / "vocab.json").write_text(json.dumps({"level": level, "tokens": vocabulary}, ensure_ascii=False))
    expected = {
        "loss": mean, "total": total, "tokens": len(eval_ids), "predicted": len(eval_ids) - 1,
        "rnn_type": rnn_type, "embedding_size": embedding, "hidden_size": hidden, "layers": layers,
        "vocabulary_size": len(vocabulary), "tied": tied, "dtype": dtype, "keys": stored_keys,
        "train_loss": train_loss, "uniform_loss": float(torch.log(torch.tensor(float(len(vocabulary))))),
    }
    (directory / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")
    print(f"{name}: vocabulary {len(vocabulary)}, train loss {train_loss:.3f}, eval loss {mean:.6f} "
          f"(uniform {expected['uniform_loss']:.3f}), keys {len(stored_keys)}")


def check_export(directory, case):
    """Loads an exported directory into RNNModel strictly and compares its loss with the case's."""
    directory, fixture = pathlib.Path(directory), OUT / case
    expected = json.loads((fixture / "expected.json").read_text())
    state = load_file(str(directory / "state.safetensors"))
    vocabulary = json.loads((directory / "vocab.json").read_text(encoding="utf8"))
    ntoken, ninp = state["encoder.weight"].shape
    nhid = state["rnn.weight_hh_l0"].shape[1]
    layers = sum(1 for key in state if key.startswith("rnn.weight_ih_l"))
    tied = expected["tied"]
    model = RNNModel(expected["rnn_type"], ntoken, ninp, nhid, layers, tie_weights=tied)
    model.load_state_dict(state, strict=True)
    if tied:
        assert torch.equal(model.encoder.weight, model.decoder.weight)
    split = word_tokens if vocabulary["level"] == "word" else char_tokens
    index = {token: i for i, token in enumerate(vocabulary["tokens"])}
    total, mean = stream_loss(model, [index[t] for t in split(read_lines(fixture / "eval.txt"))])
    difference = abs(mean - expected["loss"]) / expected["loss"]
    print(f"{case}: strict load_state_dict ok; loss {mean:.9f} vs expected {expected['loss']:.9f} "
          f"(relative difference {difference:.2e})")
    assert difference < 1e-6, "the exported model's loss differs"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--check-export", metavar="DIR")
    parser.add_argument("--case", choices=sorted(CASES))
    arguments = parser.parse_args()
    torch.set_num_threads(1)
    if arguments.check_export:
        check_export(arguments.check_export, arguments.case)
        return
    for name, case in CASES.items():
        make_case(name, *case)
    size = sum(path.stat().st_size for path in OUT.rglob("*") if path.is_file())
    print(f"wrote {OUT.relative_to(ROOT)} ({size} bytes)")


if __name__ == "__main__":
    main()
