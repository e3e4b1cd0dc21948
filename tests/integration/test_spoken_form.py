"""What the recruiter says is spoken right: the spoken form checked through piper's own phonemes.

Each row is a written form a recruiter puts in a role script and the words a person would say.
The normalised text must give exactly the phonemes of those words, so the test does not depend
on commas, hyphens or capitals, only on what is heard.
"""

# ruff: noqa: RUF001 -- typographic dashes and quotes are the input under test

from __future__ import annotations

from pathlib import Path

import pytest
from piper import PiperVoice

from agent.tts_piper import PiperOptions, PiperTTS, load_voice
from dialogue import spoken_form
from tests.conftest import run

pytestmark = pytest.mark.models

# (written, said)
TABLE = [
    # currencies with k / M / B, before or after the figure, and ranges of them
    ("The salary is $80k.", "The salary is eighty thousand dollars."),
    ("A budget of €1.2M.", "A budget of one point two million euros."),
    ("Revenue of $2B last year.", "Revenue of two billion dollars last year."),
    ("It pays £45,000 a year.", "It pays forty-five thousand pounds a year."),
    ("A range of $60–70k.", "A range of sixty to seventy thousand dollars."),
    ("Between €50k and €65k.", "Between fifty thousand euros and sixty-five thousand euros."),
    ("About 80k USD.", "About eighty thousand dollars."),
    ("It costs $3.50 each.", "It costs three dollars and fifty cents each."),
    ("A bonus of ¥500,000.", "A bonus of five hundred thousand yen."),
    # thousands separators of several countries
    ("We have 1,200 customers.", "We have one thousand two hundred customers."),
    ("Budget: 1.200.000 €.", "Budget: one million two hundred thousand euros."),
    ("Budget 1.500,50 €.", "Budget one thousand five hundred euros and fifty cents."),
    ("Un budget de 1\u202f200 €.", "Un budget de one thousand two hundred euros."),
    ("A team of 1'200 people.", "A team of one thousand two hundred people."),
    # programming languages and tech names
    ("We write F# and C#.", "We write F sharp and C sharp."),
    ("Experience with C++ is a plus.", "Experience with C plus plus is a plus."),
    ("Our backend runs on .NET.", "Our backend runs on dot net."),
    ("We use Node.js and Vue.js.", "We use Node J S and View J S."),
    ("We store data in PostgreSQL.", "We store data in Postgres Q L."),
    ("We deploy on k8s with CI/CD.", "We deploy on Kubernetes with C I C D."),
    ("Our API is GraphQL.", "Our API is Graph Q L."),
    # units
    ("The p95 is 250 ms.", "The p95 is two hundred and fifty milliseconds."),
    ("Replies within 2 s.", "Replies within two seconds."),
    ("A call of 30 min.", "A call of thirty minutes."),
    ("Logs of 5 GB a day.", "Logs of five gigabytes a day."),
    ("A link of 100 Mbps.", "A link of one hundred megabits per second."),
    ("Uptime of 99.9%.", "Uptime of ninety-nine point nine percent."),
    ("Keep it at 20°C.", "Keep it at twenty degrees Celsius."),
    ("Parcels up to 25 kg.", "Parcels up to twenty-five kilograms."),
    ("We grew 3x in 2025.", "We grew three times in twenty twenty-five."),
    # ranges with dashes, and comparison signs
    ("You have 3–5 years of experience.", "You have three to five years of experience."),
    ("Shifts run 9:00–17:30.", "Shifts run nine o'clock to seventeen thirty."),
    ("We work Mon–Fri.", "We work Monday to Friday."),
    ("We need 5+ years.", "We need five or more years."),
    ("Latency <200 ms.", "Latency less than two hundred milliseconds."),
    ("Teams of >10 people.", "Teams of more than ten people."),
    ("It takes ~3 weeks.", "It takes about three weeks."),
    ("Errors ≤ 2%.", "Errors at most two percent."),
    ("Scores ≥ 4 count.", "Scores at least four count."),
    # abbreviations with a dot, ordinals, symbols
    ("Dr. Mensah will join us.", "Doctor Mensah will join us."),
    ("Ask Mrs. Ito or Mr. Berg.", "Ask Missus Ito or Mister Berg."),
    ("Tools, e.g. Jira, etc.", "Tools, for example Jira, et cetera."),
    ("Our 1st and 22nd hires.", "Our first and twenty-second hires."),
    ("Support 24/7 for R&D.", "Support twenty-four seven for R and D."),
    ("Room No. 5 at 3pm.", "Room number five at three P M."),
    ("Teams from the 90s to the 2010s.", "Teams from the nineties to the twenty tens."),
    ("Weekly 1:1 meetings and A/B tests.", "Weekly one-on-one meetings and A B tests."),
    ("Is 9 a.m. OK?", "Is nine A M OK?"),
    ("It pays €45.000 a year.", "It pays forty-five thousand euros a year."),
    ("A bonus of 10 000 €.", "A bonus of ten thousand euros."),
    ("USD 2.5M in funding.", "two point five million dollars in funding."),
    ("Shifts are 9am-5pm.", "Shifts are nine A M to five P M."),
    ("We start at 5:30pm.", "We start at five thirty P M."),
    ("It pays $50/hour.", "It pays fifty dollars per hour."),
    ("Up to 100 km/h.", "Up to one hundred kilometres per hour."),
    ("We run Python 3.12.", "We run Python three point twelve."),
    ("A 50%+ share.", "A fifty percent or more share."),
    # phone numbers digit by digit in their groups, dates as a person says them, ratios
    (
        "Call +44 20 7946 0958.",
        "Call plus four four, two zero, seven nine four six, zero nine five eight.",
    ),
    (
        "Call (415) 555-0132 ext. 12.",
        "Call four one five, five five five, zero one three two, extension one two.",
    ),
    ("It starts on 2027-01-15.", "It starts on January fifteenth, twenty twenty-seven."),
    ("It starts on 15/01/2027.", "It starts on January fifteenth, twenty twenty-seven."),
    ("Apply by March 3, 2027.", "Apply by March third, twenty twenty-seven."),
    ("Apply by 1st of March.", "Apply by March first."),
    ("A ratio of 3:1 on screens.", "A ratio of three to one on screens."),
    # letters with diacritics
    ("You will meet Nguyễn Thị Minh Khai.", "You will meet Nguyen Thi Minh Khai."),
    ("Ask for José or Łukasz.", "Ask for Jose or Lukasz."),
    ("Our lead is Đặng Văn Lâm.", "Our lead is Dang Van Lam."),
    # markdown and emoji are never read aloud
    ("**Great** question 😀", "Great question"),
    ("- First, tell me about `Python`.", "First, tell me about Python."),
]


@pytest.fixture(scope="module")
def voice(installed_models: Path) -> PiperVoice:
    return load_voice(installed_models / "piper-joe/en_US-joe-medium.onnx")


def _phonemes(voice: PiperVoice, text: str) -> list[str]:
    return [p for sentence in voice.phonemize(text) for p in sentence if p not in " ,"]


def test_the_table_has_enough_cases() -> None:
    assert len(TABLE) >= 40


@pytest.mark.parametrize(("written", "said"), TABLE, ids=[w for w, _ in TABLE])
def test_spoken_form_sounds_like_what_a_person_says(
    voice: PiperVoice, written: str, said: str
) -> None:
    assert _phonemes(voice, spoken_form(written)) == _phonemes(voice, said)


def test_the_written_form_alone_would_be_misread(voice: PiperVoice) -> None:
    # Without the spoken form, most rows sound different from what a person says.
    misread = sum(_phonemes(voice, w) != _phonemes(voice, s) for w, s in TABLE)
    assert misread >= 0.8 * len(TABLE)


def test_the_region_decides_national_numbers_and_the_order_of_day_and_month(
    voice: PiperVoice,
) -> None:
    written = "On 04/03/2027 call 020 7946 0958."
    said = (
        "On the fourth of March twenty twenty-seven call zero two zero, seven nine four six, "
        "zero nine five eight."
    )
    assert _phonemes(voice, spoken_form(written, region="GB")) == _phonemes(voice, said)
    # In the United States the month comes first, and a London number needs its +44.
    us = spoken_form(written, region="US")
    assert us.startswith("On April third, twenty twenty-seven call ")
    assert "zero two zero" not in us


def test_a_code_with_figures_in_it_is_not_read_as_a_number() -> None:
    assert spoken_form("Postcode SW1A 1AA, with 2FA.") == "Postcode SW1A 1AA, with 2FA."


def test_abbreviations_do_not_end_a_sentence(voice: PiperVoice) -> None:
    assert len(voice.phonemize(spoken_form("Dr. Mensah will join us."))) == 1
    assert len(voice.phonemize("Dr. Mensah will join us.")) == 2  # what piper did before


def test_the_recruiter_voice_speaks_the_spoken_form_and_caches_it(installed_models: Path) -> None:
    piper = PiperTTS(PiperOptions(model_path=installed_models / "piper-joe/en_US-joe-medium.onnx"))
    assert piper.spoken("The salary is $80k. Dr. Mensah will join.") == [
        "The salary is eighty thousand dollars.",
        "Doctor Mensah will join.",
    ]

    async def speak_twice() -> tuple[int, int]:
        first = [f async for f in piper.speak("The salary is $80k.")]
        second = [f async for f in piper.speak("The salary is $80k.")]
        assert sum(f.samples_per_channel for f in first) == sum(
            f.samples_per_channel for f in second
        )
        return piper.cache_misses, piper.cache_hits

    assert run(speak_twice()) == (1, 1)
