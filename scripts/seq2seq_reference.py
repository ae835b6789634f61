"""PyTorch twin of `recurrent train seq2seq`, for scripts/bench_reference.py (`seq2seq`, `seq2seq-train`).

Everything mirrors Recurrent's defaults and docs/seq2seq.md, written here from that description:
- tokens: words (letters, marks, digits, joined across ' ’ - between word characters and . , between
  digits) and single punctuation characters; vocabularies <pad> <unk> <s> </s> then words seen at
  least twice, most frequent first; training pairs with a side over 50 tokens left out;
- model: Embedding(256) -> bidirectional GRU(512) encoder; decoder state s0 = tanh(W [h_fwd; h_bwd] + b);
  Embedding(256) -> GRU(512) decoder; additive attention e = v.tanh(W_q s + W_m m + b) masked over
  source padding; h~ = tanh(W_c [c; s] + b_c); logits = W_o dropout(h~) + b_o; dropout 0.3 on
  embeddings and h~;
- training: batches of 64 pairs bucketed by length (shuffle, pools of 50 batches sorted by length,
  batches shuffled), cross-entropy with label smoothing 0.1 over target tokens, Adam(lr 1e-3),
  gradient norm clipped to 1; validation every epoch and at the end (greedy translations, BLEU),
  keeping the best model by BLEU;
- decoding: beam search of 5, length normalization log p / length, at most 2 x source words + 5
  tokens, fairseq's rules (docs/seq2seq.md); BLEU from sacreBLEU (installed by pip when missing).
"""
import json
import os
import math
import random
import subprocess
import sys
import time
import unicodedata


def add_parsers(sub):
    for name in ["seq2seq", "seq2seq-train"]:
        p = sub.add_parser(name, help="PyTorch reference for `recurrent bench seq2seq`" if name == "seq2seq"
                           else "PyTorch reference for `recurrent train seq2seq --time T` + `recurrent evaluate seq2seq`")
        p.add_argument("--hidden", type=int, default=512)
        p.add_argument("--embed", type=int, default=256)
        p.add_argument("--dropout", type=float, default=0.3)
        p.add_argument("--batch", type=int, default=64)
        p.add_argument("--threads", type=int, default=os.cpu_count())
        p.add_argument("--seed", type=int, default=0)
        p.add_argument("--json", action="store_true")
        if name == "seq2seq":
            p.add_argument("--source-vocab", type=int, default=8017)
            p.add_argument("--target-vocab", type=int, default=6277)
            p.add_argument("--source-length", type=int, default=13)
            p.add_argument("--target-length", type=int, default=13)
            p.add_argument("--steps", type=int, default=10)
        else:
            for flag in ["--source", "--target", "--valid-source", "--valid-target"]:
                p.add_argument(flag, required=True)
            p.add_argument("--time", required=True, help="training time budget, e.g. 60m")
            p.add_argument("--beam", type=int, default=5)
            p.add_argument("--lowercase", action="store_true")
            p.add_argument("--output", help="write the validation translations here")


def run(args):
    import torch

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    (bench if args.command == "seq2seq" else train)(args, torch)


# MARK: - Text

def is_word_character(c):
    return c.isalpha() or unicodedata.category(c) in ("Nd", "Nl", "No", "Mn", "Mc", "Me")


def tokenize(line, lowercase=False):
    text = line.lower() if lowercase else line
    tokens, word = [], ""
    for i, c in enumerate(text):
        if is_word_character(c):
            word += c
        elif word and i + 1 < len(text) and (
                (c in "'’-" and is_word_character(text[i - 1]) and is_word_character(text[i + 1]))
                or (c in ".," and unicodedata.category(text[i - 1]) == "Nd" and unicodedata.category(text[i + 1]) == "Nd")):
            word += c
        else:
            if word:
                tokens.append(word)
                word = ""
            if not c.isspace():
                tokens.append(c)
    if word:
        tokens.append(word)
    return tokens


CLOSING = set(". , ! ? ; : % ) ] } » …".split())
OPENING = set("( [ { « ¿ ¡ $ £".split())


def detokenize(tokens):
    text, previous_attaches, open_quotes, low_open = "", True, {}, False
    for token in tokens:
        attaches_previous = token in CLOSING or token == "/"
        attaches_next = token in OPENING or token == "/"
        if token in ('"', "'"):
            if open_quotes.get(token, False):
                attaches_previous = True
            else:
                attaches_next = True
            open_quotes[token] = not open_quotes.get(token, False)
        elif token == "„":
            attaches_next, low_open = True, True
        elif token == "“":
            if low_open:
                attaches_previous, low_open = True, False
            else:
                attaches_next = True
        elif token == "”":
            attaches_previous = True
        if not (previous_attaches or attaches_previous):
            text += " "
        text += token
        previous_attaches = attaches_next
    return text


SPECIALS = ["<pad>", "<unk>", "<s>", "</s>"]
PAD, UNK, BOS, EOS = 0, 1, 2, 3


def build_vocabulary(sentences, minimum_count=2):
    counts, order = {}, []
    for sentence in sentences:
        for word in sentence:
            if word not in counts:
                order.append(word)
                counts[word] = 0
            counts[word] += 1
    rank = {w: i for i, w in enumerate(order)}
    words = sorted((w for w in order if counts[w] >= minimum_count and w not in SPECIALS), key=lambda w: (-counts[w], rank[w]))
    tokens = SPECIALS + words
    return tokens, {w: i for i, w in enumerate(tokens)}


def read_lines(path):
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    lines = text.split("\n")
    return lines[:-1] if text.endswith("\n") else lines


# MARK: - Model

def make_model(torch, source_vocab, target_vocab, embed, hidden, dropout):
    nn = torch.nn

    class Seq2Seq(nn.Module):
        def __init__(self):
            super().__init__()
            self.source_embedding = nn.Embedding(source_vocab, embed, padding_idx=PAD)
            self.encoder = nn.GRU(embed, hidden, bidirectional=True)
            self.bridge = nn.Linear(2 * hidden, hidden)
            self.target_embedding = nn.Embedding(target_vocab, embed, padding_idx=PAD)
            self.decoder = nn.GRU(embed, hidden)
            self.query_projection = nn.Linear(hidden, hidden, bias=False)
            self.memory_projection = nn.Linear(2 * hidden, hidden)
            self.score = nn.Linear(hidden, 1, bias=False)
            self.attention_output = nn.Linear(3 * hidden, hidden)
            self.output = nn.Linear(hidden, target_vocab)
            self.dropout = nn.Dropout(dropout)

        def encode(self, source, lengths):
            """source [S, B] -> memory [B, S, 2H], keys [B, S, H], mask [B, S], state [1, B, H]"""
            embedded = self.dropout(self.source_embedding(source))
            packed = nn.utils.rnn.pack_padded_sequence(embedded, lengths.cpu(), enforce_sorted=False)
            output, final = self.encoder(packed)
            output, _ = nn.utils.rnn.pad_packed_sequence(output, total_length=source.shape[0])
            memory = output.transpose(0, 1)
            state = torch.tanh(self.bridge(torch.cat([final[0], final[1]], dim=1))).unsqueeze(0)
            mask = torch.arange(source.shape[0]).unsqueeze(0) < lengths.unsqueeze(1)
            return memory, self.memory_projection(memory), mask, state

        def readout(self, states, memory, keys, mask):
            """decoder states [B, T, H] -> logits [B, T, V]"""
            hidden_scores = torch.tanh(self.query_projection(states).unsqueeze(2) + keys.unsqueeze(1))
            scores = self.score(hidden_scores).squeeze(-1).masked_fill(~mask.unsqueeze(1), float("-inf"))
            weights = torch.softmax(scores, dim=-1)
            attentional = torch.tanh(self.attention_output(torch.cat([weights @ memory, states], dim=-1)))
            return self.output(self.dropout(attentional))

        def forward(self, source, lengths, target_inputs):
            memory, keys, mask, state = self.encode(source, lengths)
            states, _ = self.decoder(self.dropout(self.target_embedding(target_inputs)), state)
            return self.readout(states.transpose(0, 1), memory, keys, mask)

        def step(self, tokens, state, memory, keys, mask):
            output, state = self.decoder(self.target_embedding(tokens).unsqueeze(0), state)
            return torch.log_softmax(self.readout(output.transpose(0, 1), memory, keys, mask)[:, 0], dim=-1), state

    return Seq2Seq()


def padded(torch, sequences):
    length = max(len(s) for s in sequences)
    return torch.tensor([s + [PAD] * (length - len(s)) for s in sequences], dtype=torch.long).t().contiguous()


def make_batch(torch, sources, targets):
    source = padded(torch, [s + [EOS] for s in sources])
    lengths = torch.tensor([len(s) + 1 for s in sources])
    inputs = padded(torch, [[BOS] + t for t in targets])
    outputs = padded(torch, [t + [EOS] for t in targets]).t().reshape(-1)  # batch-major, as the logits
    return source, lengths, inputs, outputs


def training_step(torch, model, optimizer, batch):
    source, lengths, inputs, outputs = batch
    optimizer.zero_grad()
    logits = model(source, lengths, inputs)
    loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), outputs, ignore_index=PAD, label_smoothing=0.1)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    return float(loss.detach())


def bench(args, torch):
    model = make_model(torch, args.source_vocab, args.target_vocab, args.embed, args.hidden, args.dropout)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    rng = random.Random(1)
    batches = [make_batch(torch, [[rng.randrange(4, args.source_vocab) for _ in range(args.source_length)] for _ in range(args.batch)],
                          [[rng.randrange(4, args.target_vocab) for _ in range(args.target_length)] for _ in range(args.batch)])
               for _ in range(4)]
    training_step(torch, model, optimizer, batches[0])
    training_step(torch, model, optimizer, batches[1])
    start = time.perf_counter()
    for index in range(args.steps):
        training_step(torch, model, optimizer, batches[index % 4])
    rate = args.steps * args.batch * (args.target_length + 1) / (time.perf_counter() - start)
    if args.json:
        print(json.dumps({"target_tokens_per_second": round(rate, 1), "batch": args.batch, "source_length": args.source_length,
                          "target_length": args.target_length, "hidden": args.hidden, "embed": args.embed,
                          "threads": torch.get_num_threads(), "library": "torch", "torch": torch.__version__}, sort_keys=True))
    else:
        print(f"seq2seq gru H={args.hidden} E={args.embed} additive B={args.batch} S={args.source_length} T={args.target_length}: "
              f"{rate:.0f} target tokens/s ({sum(p.numel() for p in model.parameters())} parameters) (torch {torch.__version__})")


# MARK: - Training on text

def batches_for_epoch(lengths, batch_size, rng):
    order = list(range(len(lengths)))
    rng.shuffle(order)
    pool = 50 * batch_size
    order = [i for start in range(0, len(order), pool) for i in sorted(order[start:start + pool], key=lambda i: lengths[i])]
    batches = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    rng.shuffle(batches)
    return batches


def beam_search(torch, model, source, beam, max_length, alpha):
    """fairseq's rules, one sentence at a time: the 2k best extensions, </s> among the first k finishes."""
    memory, keys, mask, state = model.encode(padded(torch, [source + [EOS]]), torch.tensor([len(source) + 1]))
    hypotheses, finished = [([], 0.0)], []
    for step in range(max_length + 1):
        rows = len(hypotheses)
        tokens = torch.tensor([h[0][-1] if h[0] else BOS for h in hypotheses])
        log_probs, state = model.step(tokens, state, memory.expand(rows, -1, -1), keys.expand(rows, -1, -1), mask.expand(rows, -1))
        candidates = []
        for row, (words, score) in enumerate(hypotheses):
            if step == max_length:
                candidates.append((score + float(log_probs[row, EOS]), row, EOS))
            else:
                values, indices = log_probs[row].topk(2 * beam)
                candidates += [(score + float(v), row, int(i)) for v, i in zip(values, indices)]
        candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
        next_hypotheses, parents = [], []
        for rank, (score, row, token) in enumerate(candidates[:2 * beam]):
            words = hypotheses[row][0]
            if token == EOS:
                if rank < beam and len(finished) < beam:
                    finished.append((words, score / (len(words) + 1) ** alpha))
            elif len(next_hypotheses) < beam:
                next_hypotheses.append((words + [token], score))
                parents.append(row)
        if len(finished) >= beam or step == max_length or not next_hypotheses:
            break
        hypotheses, state = next_hypotheses, state[:, parents]
    return max(finished, key=lambda f: f[1])[0] if finished else []


def sacrebleu_module():
    try:
        import sacrebleu
    except ImportError:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "sacrebleu==2.6.0"])
        import sacrebleu
    return sacrebleu


def train(args, torch):
    sacrebleu = sacrebleu_module()
    budget = float(args.time[:-1]) * {"s": 1, "m": 60, "h": 3600}[args.time[-1]] if args.time[-1] in "smh" else float(args.time)
    pairs = [(tokenize(s, args.lowercase), tokenize(t, args.lowercase)) for s, t in zip(read_lines(args.source), read_lines(args.target))]
    pairs = [(s, t) for s, t in pairs if s and t and len(s) <= 50 and len(t) <= 50]
    source_tokens, source_index = build_vocabulary([s for s, _ in pairs])
    target_tokens, target_index = build_vocabulary([t for _, t in pairs])
    encode = lambda words, index: [index.get(w, UNK) for w in words]
    sources = [encode(s, source_index) for s, _ in pairs]
    targets = [encode(t, target_index) for _, t in pairs]
    valid_sources = [encode(tokenize(s, args.lowercase), source_index) for s in read_lines(args.valid_source)]
    references = read_lines(args.valid_target)
    model = make_model(torch, len(source_tokens), len(target_tokens), args.embed, args.hidden, args.dropout)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    print(f"torch seq2seq: vocabularies {len(source_tokens)} / {len(target_tokens)}, {sum(p.numel() for p in model.parameters())} "
          f"parameters, {len(pairs)} pairs, {torch.get_num_threads()} threads", file=sys.stderr)
    rng = random.Random(args.seed)
    lengths = [max(len(s), len(t)) for s, t in zip(sources, targets)]

    def translate(beam):
        model.eval()
        with torch.no_grad():
            output = [detokenize([target_tokens[i] for i in beam_search(torch, model, s, beam, math.ceil(2 * len(s)) + 5, 1.0)])
                      for s in valid_sources]
        model.train()
        return output

    def bleu(hypotheses):
        return sacrebleu.metrics.BLEU(lowercase=args.lowercase).corpus_score(hypotheses, [references]).score

    seconds, epoch, best, best_state, tokens = 0.0, 0, -1.0, None, 0
    while seconds < budget:
        for batch in batches_for_epoch(lengths, args.batch, rng):
            start = time.perf_counter()
            training_step(torch, model, optimizer, make_batch(torch, [sources[i] for i in batch], [targets[i] for i in batch]))
            seconds += time.perf_counter() - start
            tokens += sum(len(targets[i]) + 1 for i in batch)
            if seconds >= budget:
                break
        epoch += 1
        score = bleu(translate(1))
        print(f"epoch {epoch}: {seconds:.0f} s, {tokens / seconds:.0f} target tokens/s, validation BLEU (greedy) {score:.2f}",
              file=sys.stderr)
        if score > best:
            best, best_state = score, {k: v.clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best_state)
    start = time.perf_counter()
    hypotheses = translate(args.beam)
    translate_seconds = time.perf_counter() - start
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write("".join(h + "\n" for h in hypotheses))
    result = {"bleu": bleu(hypotheses) if not args.lowercase else None,
              "bleu_lowercase": sacrebleu.metrics.BLEU(lowercase=True).corpus_score(hypotheses, [references]).score,
              "epochs": epoch, "train_seconds": seconds, "target_tokens_per_second": tokens / seconds,
              "translate_seconds": translate_seconds, "beam": args.beam, "torch": torch.__version__, "threads": torch.get_num_threads()}
    result["bleu"] = sacrebleu.metrics.BLEU().corpus_score(hypotheses, [references]).score
    print(json.dumps(result, sort_keys=True) if args.json else
          f"BLEU {result['bleu']:.2f} (lowercase {result['bleu_lowercase']:.2f}) after {epoch} epochs, {seconds:.0f} s of training")
