#!/usr/bin/env python3
"""Reference timings to compare with `recurrent bench ...`, measured the same way.

    python3 scripts/bench_reference.py gemm [--shape MxKxN ...] [--threads N] [--json]
    python3 scripts/bench_reference.py train --cell lstm --layers 2 --hidden 512 --batch 32 --seq 64
    python3 scripts/bench_reference.py generate --cell lstm --layers 2 --hidden 256 --tokens 100
    python3 scripts/bench_reference.py infer --cell lstm --layers 2 --hidden 256 --seq 100
    python3 scripts/bench_reference.py seq2seq [--batch 64 --source-length 13 --target-length 13]
    python3 scripts/bench_reference.py seq2seq-train --source train.de --target train.en \
        --valid-source val.de --valid-target val.en --time 60m [--beam 5]
    python3 scripts/bench_reference.py sequence-classifier --hidden 128 --vocab 20000 --batch 32 --seq 50
    python3 scripts/bench_reference.py embeddings --text corpus.txt --model skipgram --dim 100 --threads 2

`gemm` prints `gemm MxKxN <value> GFLOP/s` for numpy (OpenBLAS) and, when installed, PyTorch:
for each shape a warm-up, then the best of several timed runs, each repeating the product
for at least 0.2 s (as `recurrent bench gemm` does). `train`, `generate` and `infer` measure
PyTorch (CPU, --threads threads, eager mode) on the same character language model as
`recurrent bench train|generate|infer`: Embedding(vocab, embed) -> nn.LSTM/GRU/RNN -> Linear,
softmax cross-entropy, Adam(lr=2e-3) and clip_grad_norm_(5) for training. `embeddings` trains
gensim's Word2Vec (negative sampling, no hierarchical softmax) with the settings of
`recurrent bench embeddings` / `recurrent train embeddings` and reports words/s as they do: words
of the text (rare ones included) times epochs over the training time (vocabulary building
excluded); `--out` saves the vectors (word2vec text) for `recurrent evaluate embeddings`; it needs
`pip install gensim` (gensim 4.4.0 at the time of writing). Run both
in the same session, with nothing else busy, to compare them side by side.

`seq2seq` and `seq2seq-train` use scripts/seq2seq_reference.py: the same encoder-decoder as
`recurrent train seq2seq` (bidirectional GRU encoder, bridge, GRU decoder with additive attention,
sizes and defaults alike), trained the same way; `seq2seq` times training steps on random batches
(`recurrent bench seq2seq`), `seq2seq-train` trains on parallel text for a time budget and reports
sacreBLEU of beam-search translations of the validation text (`recurrent train seq2seq --time`
followed by `recurrent evaluate seq2seq`).

`sequence-classifier` measures the text classifier of `recurrent bench sequence-classifier`: Embedding -> nn.LSTM (batch_first) -> the last
state -> Linear, cross-entropy, Adam(lr=2e-3), clip_grad_norm_(5), in examples/s, and one sequence's
inference in ms (PyTorch's defaults: a dense embedding gradient; --sparse uses sparse=True and
SparseAdam for the embedding, as Recurrent does for large vocabularies).
"""
import argparse
import json
import os
import sys
import time

DEFAULT_SHAPES = ["32x1024x2048", "2048x512x2048", "512x512x512", "1024x1024x1024", "1x512x2048"]


def parse_shape(text):
    parts = text.lower().split("x")
    if len(parts) != 3 or not all(p.isdigit() and int(p) > 0 for p in parts):
        raise argparse.ArgumentTypeError(f"expected MxKxN, got {text!r}")
    return tuple(int(p) for p in parts)


def best_seconds(run, runs):
    """Warm up, size repetitions to ~0.2 s, return the best per-call time of `runs` runs."""
    start = time.perf_counter()
    run()
    single = max(time.perf_counter() - start, 1e-7)
    repetitions = max(1, int(0.2 / single))
    for _ in range(repetitions):
        run()
    best = float("inf")
    for _ in range(runs):
        begin = time.perf_counter()
        for _ in range(repetitions):
            run()
        best = min(best, (time.perf_counter() - begin) / repetitions)
    return best


def gemm(args):
    import numpy as np

    results = {}
    libraries = [("numpy", None)]
    try:
        import torch

        torch.set_num_threads(args.threads)
        libraries.append(("torch", torch))
    except ImportError:
        print("# PyTorch is not installed; numpy only", file=sys.stderr)
    for name, torch in libraries:
        rows = []
        for m, k, n in args.shape or [parse_shape(s) for s in DEFAULT_SHAPES]:
            rng = np.random.default_rng(1)
            a = rng.uniform(-1, 1, (m, k)).astype(np.float32)
            b = rng.uniform(-1, 1, (k, n)).astype(np.float32)
            if torch is None:
                c = np.empty((m, n), dtype=np.float32)
                run = lambda: np.matmul(a, b, out=c)
            else:
                ta, tb = torch.from_numpy(a), torch.from_numpy(b)
                tc = torch.empty((m, n), dtype=torch.float32)
                run = lambda: torch.matmul(ta, tb, out=tc)
            gflops = 2.0 * m * k * n / best_seconds(run, args.runs) / 1e9
            rows.append({"m": m, "k": k, "n": n, "gflops": round(gflops, 1)})
            if not args.json:
                print(f"gemm {m}x{k}x{n} {gflops:.1f} GFLOP/s ({name})")
        results[name] = rows
    if args.json:
        print(json.dumps({"threads": args.threads, "results": results}, sort_keys=True))


def language_model(args):
    import torch

    torch.manual_seed(1)
    torch.set_num_threads(args.threads)
    kind = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[args.cell]

    class Model(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = torch.nn.Embedding(args.vocab, args.embed)
            self.rnn = kind(args.embed, args.hidden, num_layers=args.layers)
            self.decoder = torch.nn.Linear(args.hidden, args.vocab)

        def forward(self, tokens, state):
            output, state = self.rnn(self.encoder(tokens), state)
            return self.decoder(output).view(-1, args.vocab), state

    return torch, Model()


def detach(state):
    return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()


def peak_memory_mb():
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_train(args):
    torch, model = language_model(args)
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    batches = [torch.randint(0, args.vocab, (args.seq, args.batch)) for _ in range(4)]
    state = None

    def step(index):
        nonlocal state
        tokens, targets = batches[index % 4], batches[(index + 1) % 4]
        optimizer.zero_grad()
        logits, state = model(tokens, state)
        state = detach(state)
        torch.nn.functional.cross_entropy(logits, targets.view(-1)).backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5)
        optimizer.step()

    step(0)
    step(1)
    start = time.perf_counter()
    for index in range(args.steps):
        step(index + 2)
    seconds = time.perf_counter() - start
    rate = args.steps * args.batch * args.seq / seconds
    report(args, "train", {"tokens_per_second": round(rate, 1), "batch": args.batch, "seq": args.seq,
                           "peak_memory_mb": round(peak_memory_mb(), 1)},
           f"train {args.cell} L={args.layers} H={args.hidden} B={args.batch} T={args.seq}: {rate:.0f} tokens/s "
           f"(peak memory {peak_memory_mb():.0f} MB) (torch {torch.__version__})")


def bench_generate(args):
    torch, model = language_model(args)
    model.eval()

    def generate():
        with torch.no_grad():
            token, state = torch.zeros((1, 1), dtype=torch.long), None
            for _ in range(args.tokens):
                logits, state = model(token, state)
                token = logits.argmax(dim=-1).view(1, 1)

    best = best_of(generate, args.runs)
    report(args, "generate", {"ms": round(best * 1000, 3), "tokens": args.tokens},
           f"generate {args.cell} L={args.layers} H={args.hidden}: {best * 1000:.3f} ms for {args.tokens} tokens (torch {torch.__version__})")


def bench_infer(args):
    torch, model = language_model(args)
    model.eval()
    tokens = torch.randint(0, args.vocab, (args.seq, 1))

    def infer():
        with torch.no_grad():
            model(tokens, None)

    best = best_of(infer, args.runs)
    report(args, "infer", {"ms": round(best * 1000, 3), "seq": args.seq},
           f"infer {args.cell} L={args.layers} H={args.hidden} T={args.seq}: {best * 1000:.3f} ms (torch {torch.__version__})")


def bench_sequence_classifier(args):
    import torch

    torch.manual_seed(1)
    torch.set_num_threads(args.threads)
    kind = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[args.cell]

    class Classifier(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = torch.nn.Embedding(args.vocab, args.embed, sparse=args.sparse)
            self.rnn = kind(args.embed, args.hidden, num_layers=args.layers, batch_first=True)
            self.head = torch.nn.Linear(args.hidden, args.classes)

        def forward(self, tokens):
            _, state = self.rnn(self.embedding(tokens))
            h = state[0] if isinstance(state, tuple) else state
            return self.head(h[-1])

    model = Classifier()
    dense = [p for name, p in model.named_parameters() if not (args.sparse and name.startswith("embedding"))]
    optimizers = [torch.optim.Adam(dense, lr=2e-3)]
    if args.sparse:
        optimizers.append(torch.optim.SparseAdam(list(model.embedding.parameters()), lr=2e-3))
    batches = [(torch.randint(0, args.vocab, (args.batch, args.seq)), torch.randint(0, args.classes, (args.batch,))) for _ in range(4)]

    def step(index):
        tokens, labels = batches[index % 4]
        for optimizer in optimizers:
            optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(tokens), labels).backward()
        torch.nn.utils.clip_grad_norm_(dense, 5)
        for optimizer in optimizers:
            optimizer.step()

    step(0)
    step(1)
    start = time.perf_counter()
    for index in range(args.steps):
        step(index + 2)
    rate = args.steps * args.batch / (time.perf_counter() - start)
    model.eval()
    one = batches[0][0][:1]

    def infer():
        with torch.no_grad():
            model(one)

    best = best_of(infer, args.runs)
    values = {"examples_per_second": round(rate, 1), "inference_ms": round(best * 1000, 3), "batch": args.batch, "seq": args.seq,
              "classes": args.classes, "sparse_gradients": args.sparse, "peak_memory_mb": round(peak_memory_mb(), 1)}
    report(args, "sequence-classifier", values,
           f"sequence-classifier {args.cell} L={args.layers} H={args.hidden} V={args.vocab} E={args.embed} B={args.batch} T={args.seq}: "
           f"training {rate:.0f} examples/s, inference of one sequence {best * 1000:.3f} ms (torch {torch.__version__})")


def best_of(run, runs):
    run()
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def bench_embeddings(args):
    import gensim
    from gensim.models import Word2Vec
    from gensim.models.word2vec import LineSentence

    sentences = LineSentence(args.text)
    raw_words = sum(len(sentence) for sentence in sentences)
    model = Word2Vec(vector_size=args.dim, window=args.window, negative=args.negative, hs=0, min_count=args.min_count,
                     sample=args.sample, sg=1 if args.model == "skipgram" else 0, cbow_mean=1, workers=args.threads,
                     alpha=args.lr if args.lr else (0.025 if args.model == "skipgram" else 0.05), min_alpha=args.min_lr,
                     seed=args.seed)
    model.build_vocab(sentences)
    start = time.perf_counter()
    model.train(sentences, total_examples=model.corpus_count, epochs=args.epochs)
    seconds = time.perf_counter() - start
    rate = raw_words * args.epochs / seconds
    if args.out:
        model.wv.save_word2vec_format(args.out, binary=args.out.endswith(".bin"))
    values = {"words_per_second": round(rate, 1), "seconds": round(seconds, 3), "raw_words": raw_words * args.epochs,
              "vocabulary": len(model.wv), "model": args.model, "dim": args.dim, "window": args.window,
              "negative": args.negative, "min_count": args.min_count, "sample": args.sample, "epochs": args.epochs,
              "threads": args.threads, "library": "gensim", "version": gensim.__version__}
    if args.json:
        print(json.dumps(values, sort_keys=True))
    else:
        print(f"embeddings {args.model} dim={args.dim} window={args.window} negative={args.negative} epochs={args.epochs} "
              f"threads={args.threads}: {rate:.0f} words/s ({raw_words * args.epochs} words in {seconds:.2f} s, "
              f"{len(model.wv)} words) (gensim {gensim.__version__})")


def report(args, name, values, text):
    if args.json:
        values.update({"cell": args.cell, "layers": args.layers, "hidden": args.hidden, "vocab": args.vocab,
                       "embed": args.embed, "threads": args.threads, "library": "torch"})
        print(json.dumps(values, sort_keys=True))
    else:
        print(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("gemm", help="matrix multiply GFLOP/s")
    g.add_argument("--shape", type=parse_shape, action="extend", nargs="+", help="shapes MxKxN (repeat the flag or list several)")
    g.add_argument("--runs", type=int, default=7)
    g.add_argument("--threads", type=int, default=os.cpu_count())
    g.add_argument("--json", action="store_true")
    for name, defaults in [("train", {"hidden": 512, "runs": 1}), ("generate", {"hidden": 256, "runs": 5}),
                           ("infer", {"hidden": 256, "runs": 10}),
                           ("sequence-classifier", {"hidden": 128, "runs": 20, "layers": 1, "vocab": 20000, "embed": 128})]:
        p = sub.add_parser(name, help=f"PyTorch reference for `recurrent bench {name}`")
        p.add_argument("--cell", choices=["lstm", "gru", "rnn"], default="lstm")
        p.add_argument("--layers", type=int, default=defaults.get("layers", 2))
        p.add_argument("--hidden", type=int, default=defaults["hidden"])
        p.add_argument("--vocab", type=int, default=defaults.get("vocab", 65))
        p.add_argument("--embed", type=int, default=defaults.get("embed", 64))
        p.add_argument("--threads", type=int, default=os.cpu_count())
        p.add_argument("--runs", type=int, default=defaults["runs"])
        p.add_argument("--json", action="store_true")
        if name == "train":
            p.add_argument("--batch", type=int, default=32)
            p.add_argument("--seq", type=int, default=64)
            p.add_argument("--steps", type=int, default=10)
        elif name == "generate":
            p.add_argument("--tokens", type=int, default=100)
        elif name == "sequence-classifier":
            p.add_argument("--batch", type=int, default=32)
            p.add_argument("--seq", type=int, default=50)
            p.add_argument("--steps", type=int, default=20)
            p.add_argument("--classes", type=int, default=2)
            p.add_argument("--sparse", action="store_true")
        else:
            p.add_argument("--seq", type=int, default=100)
    e = sub.add_parser("embeddings", help="gensim reference for `recurrent bench embeddings`")
    e.add_argument("--text", required=True, help="training text, one sentence per line")
    e.add_argument("--model", choices=["skipgram", "cbow"], default="skipgram")
    e.add_argument("--dim", type=int, default=100)
    e.add_argument("--window", type=int, default=5)
    e.add_argument("--negative", type=int, default=5)
    e.add_argument("--min-count", type=int, default=5)
    e.add_argument("--sample", type=float, default=1e-3)
    e.add_argument("--epochs", type=int, default=5)
    e.add_argument("--lr", type=float, default=None, help="initial learning rate (default: 0.025 skipgram, 0.05 cbow)")
    e.add_argument("--min-lr", type=float, default=1e-4)
    e.add_argument("--seed", type=int, default=1)
    e.add_argument("--threads", type=int, default=os.cpu_count())
    e.add_argument("--out", help="save the vectors here (word2vec text, or binary for .bin)")
    e.add_argument("--json", action="store_true")
    import seq2seq_reference

    seq2seq_reference.add_parsers(sub)
    args = parser.parse_args()
    # OpenBLAS reads its thread count from the environment when numpy is imported.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", str(args.threads))
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    if args.command.startswith("seq2seq"):
        return seq2seq_reference.run(args)
    {"gemm": gemm, "train": bench_train, "generate": bench_generate, "infer": bench_infer,
     "embeddings": bench_embeddings, "sequence-classifier": bench_sequence_classifier}[args.command](args)


if __name__ == "__main__":
    main()
