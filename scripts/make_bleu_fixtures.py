#!/usr/bin/env python3
"""BLEU fixtures from the real sacreBLEU, for Recurrent's BLEU tests.

    python3 scripts/make_bleu_fixtures.py
        # installs sacrebleu==2.6.0 with pip when it is missing, then writes
        # Tests/TaskTests/Fixtures/bleu/tokenize13a.json   (13a tokenization of edge cases)
        # Tests/TaskTests/Fixtures/bleu/<case>/hyp.txt, ref.txt [, ref2.txt], expected.json

Each corpus case is a small hypothesis file and one or two reference files that this script
generates (seeded, so it always writes the same files). They are read as the sacreBLEU command
line reads them (`open(f, encoding="utf-8", newline="\\n")`, each line `rstrip()`ed), and scored
with `sacrebleu.metrics.BLEU()` (the defaults: 13a, mixed case, exp smoothing) and with
`BLEU(lowercase=True)`. expected.json holds, for both, the score, the four precisions, the
brevity penalty, the lengths and the matched and total n-gram counts, plus sacreBLEU's version.
"""
import json
import os
import random
import subprocess
import sys

VERSION = "2.6.0"
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "TaskTests", "Fixtures", "bleu")


def sacrebleu_module():
    try:
        import sacrebleu
    except ImportError:
        subprocess.check_call([sys.executable, "-m", "pip", "install", f"sacrebleu=={VERSION}"])
        import sacrebleu
    return sacrebleu


# Lines that exercise each rule of the 13a tokenizer (and Python's lower() and split()).
TOKENIZE_CASES = [
    "Two young, White males are outside near many bushes.",
    "Hello, world!",
    "It costs $3.50, or 3,000 yen.",
    "Pages 10-12 and 3-4-5 (see p. 7).",
    "a-b c--d 5-x x-5",
    "He said \"no\" & left; then: 'yes'?",
    "&quot;quoted&quot; &amp; &lt;tag&gt; &amp;quot;",
    "a<skipped>b <skipped> c",
    "line-\nbreak and\nnewline",
    "e.g. U.S.A. ...",
    "1.5.2 .5 5. ,5 5, a.b a,b",
    "tabs\tand  spaces\u00a0nbsp\u2003em",
    "Ünïcödé straße „Zitat“ «guillemets» — dash … ellipsis",
    "ΣΊΣΥΦΟΣ ΟΔΟΣ Σ",
    "İstanbul ǅemal ß",
    "{braces} [brackets] ~tilde^ `tick` |pipe| _under_ \\back/slash @at #hash *star +plus =eq %pct",
    "   leading and trailing   ",
    "",
    "don't can't it's rock'n'roll",
    "x\u001cy\u001fz",
]

WORDS = ["the", "a", "man", "woman", "dog", "is", "running", "on", "beach", "in", "red", "shirt", "two", "children",
         "play", "with", "ball", "street", "Man", "The", "A", "Dog", "Straße", "café", "T-shirt", "don't", "3.5",
         "10-12", "&amp;", "(", ")", ",", ".", "!", "?", "\"", ":", "ÉCOLE", "école"]


def random_sentence(rng, length):
    return " ".join(rng.choice(WORDS) for _ in range(length))


def perturb(rng, sentence):
    words = sentence.split()
    out = []
    for word in words:
        roll = rng.random()
        if roll < 0.15:
            continue  # dropped
        if roll < 0.3:
            out.append(rng.choice(WORDS))  # replaced
        else:
            out.append(word)
        if rng.random() < 0.1:
            out.append(rng.choice(WORDS))  # inserted
    return " ".join(out)


def corpus_cases():
    rng = random.Random(20)
    cases = {}
    references = [random_sentence(rng, rng.randint(3, 14)) + rng.choice([".", " .", "!", ""]) for _ in range(40)]
    cases["random"] = ([perturb(rng, r) for r in references], [references])
    # Hypotheses much shorter than the references: a brevity penalty well below 1.
    cases["short"] = ([" ".join(r.split()[: max(1, len(r.split()) // 3)]) for r in references[:20]], [references[:20]])
    # Unigram matches only: higher orders get the exponential smoothing.
    cases["unigrams"] = (["dog the on beach shirt", "beach a", "red red red ball is"],
                         [["the dog is on a beach", "a beach", "red shirt ball"]])
    # Nothing matches: BLEU 0, all precisions 0.
    cases["nomatch"] = (["xyz qqq", "zzz"], [["the dog", "a beach"]])
    # Two reference streams, ties in the closest reference length, empty lines,
    # trailing whitespace and an exact match.
    hypotheses = ["the man is on the beach .", "", "A dog runs  ", "two children play with a ball in the street",
                  "The Man is running.", "exactly the same sentence ."]
    first = ["a man is on the beach.", "something", "The dog is running.", "two children play ball on the street",
             "A man runs.", "exactly the same sentence ."]
    second = ["the man stands on a beach .", "", "a dog runs fast", "children play with a ball",
              "The man is running", "exactly the same sentence ."]
    cases["multiref"] = (hypotheses, [first, second])
    # Case matters in the default, not with lowercase; the same words differently cased.
    cases["case"] = (["THE DOG IS ON THE BEACH .", "Straße ÉCOLE ΟΔΟΣ"], [["The dog is on the beach.", "straße école οδος"]])
    return cases


def read_lines(path):
    with open(path, encoding="utf-8", newline="\n") as handle:
        return [line.rstrip() for line in handle]


def score(sacrebleu, hypotheses, references, lowercase):
    result = sacrebleu.metrics.BLEU(lowercase=lowercase).corpus_score(hypotheses, references)
    return {"score": result.score, "precisions": result.precisions, "bp": result.bp, "sys_len": result.sys_len,
            "ref_len": result.ref_len, "counts": list(result.counts), "totals": list(result.totals)}


def main():
    sacrebleu = sacrebleu_module()
    from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a

    os.makedirs(ROOT, exist_ok=True)
    tokenizer = Tokenizer13a()
    tokenized = [{"line": line, "tokens": tokenizer(line.rstrip()).split(),
                  "lowercase_tokens": tokenizer(line.lower().rstrip()).split()} for line in TOKENIZE_CASES]
    with open(os.path.join(ROOT, "tokenize13a.json"), "w", encoding="utf-8") as handle:
        json.dump({"sacrebleu": sacrebleu.__version__, "cases": tokenized}, handle, ensure_ascii=False, indent=1)
        handle.write("\n")

    for name, (hypotheses, reference_streams) in corpus_cases().items():
        folder = os.path.join(ROOT, name)
        os.makedirs(folder, exist_ok=True)
        files = ["hyp.txt"] + [f"ref{'' if i == 0 else i + 1}.txt" for i in range(len(reference_streams))]
        for file, lines in zip(files, [hypotheses] + reference_streams):
            with open(os.path.join(folder, file), "w", encoding="utf-8", newline="\n") as handle:
                handle.write("".join(line + "\n" for line in lines))
        read_hypotheses = read_lines(os.path.join(folder, "hyp.txt"))
        read_references = [read_lines(os.path.join(folder, file)) for file in files[1:]]
        expected = {"sacrebleu": sacrebleu.__version__, "references": files[1:],
                    "cased": score(sacrebleu, read_hypotheses, read_references, False),
                    "lowercase": score(sacrebleu, read_hypotheses, read_references, True)}
        with open(os.path.join(folder, "expected.json"), "w", encoding="utf-8") as handle:
            json.dump(expected, handle, indent=1)
            handle.write("\n")
        print(f"{name}: BLEU {expected['cased']['score']:.4f} (lowercase {expected['lowercase']['score']:.4f})")


if __name__ == "__main__":
    main()
