"""The fast traditional → simplified converter gives exactly OpenCC's t2s output."""
import random
from pathlib import Path

import opencc

from extract.chinese import _converter, to_simplified

ROOT = Path(__file__).resolve().parents[1]
DICTIONARY = Path(opencc.__file__).parent / "dictionary"


def _keys(name: str) -> list[str]:
    return [line.split("\t")[0] for line in (DICTIONARY / name).read_text("utf-8").splitlines()]


def test_same_output_as_opencc_on_the_seeds_made_traditional():
    reference, simplified_to_traditional = opencc.OpenCC("t2s"), opencc.OpenCC("s2t")
    texts = [p.read_text("utf-8") for p in sorted((ROOT / "demo_portal" / "seeds").glob("*.txt"))]
    texts += [simplified_to_traditional.convert(t) for t in texts]
    assert any(reference.convert(t) != t for t in texts)  # there is something to convert
    for text in texts:
        assert _converter().convert(text) == reference.convert(text)


def test_same_output_as_opencc_on_phrases_characters_and_separators_mixed():
    # Phrases, their halves (a phrase cut by a separator or overlapping another), characters and
    # OpenCC's separators, at random: the phrase-first, longest-first order must come out the same.
    reference = opencc.OpenCC("t2s")
    characters, phrases = _keys("TSCharacters.txt"), _keys("TSPhrases.txt")
    rnd = random.Random(7)
    pieces = [lambda: rnd.choice(characters), lambda: rnd.choice(phrases), lambda: rnd.choice(phrases)[:2],
              lambda: rnd.choice(phrases)[1:], lambda: rnd.choice(" ,.，。、；（）《》\n\t"), lambda: "公開"]
    for _ in range(3000):
        text = "".join(rnd.choice(pieces)() for _ in range(rnd.randint(1, 40)))
        assert _converter().convert(text) == reference.convert(text), text


def test_simplified_text_is_returned_unchanged():
    text = "本机关2023年度政府信息公开工作年度报告"
    assert to_simplified(text) is text
