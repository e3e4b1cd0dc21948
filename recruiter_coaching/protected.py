"""Interview questions on topics employment law protects, and what to ask instead.

The topics follow the U.S. EEOC's "Prohibited Employment Policies/Practices" and the UK Equality
Act 2010's protected characteristics: age, family (pregnancy, children, marital status, caring
for relatives), religion, national origin (birthplace, ancestry, native language, citizenship as
opposed to the right to work), health (disability, illness, medication, sick leave) and sex or
sexual orientation (including doubts about a candidate because of their sex). Lawful,
job-related forms are not flagged: the right to work in the country, a legal minimum age,
whether the candidate can perform the essential functions of the job with or without reasonable
accommodation, the schedule the job needs, languages the job uses, and the work's own patients,
pupils or customers ("How would you settle a child who cries at drop-off?").

Words of a topic are matched broadly (a missed protected question is the costly error); words
that name the job's subject as often as the candidate's ("medication", "child", "Christmas")
count only when they are the candidate's own ("are you on any medication?").
"""

from __future__ import annotations

import re

__all__ = ["PROTECTED_TOPICS", "protected_topic"]

# What to ask in the place of each protected topic: the lawful, job-related form.
PROTECTED_TOPICS: dict[str, str] = {
    "age": "Leave age out; where the law sets a minimum age for the role, ask only "
    "'Are you at least 18?'",
    "family": "Ask whether they can work the role's schedule ('The role has on-call weeks; "
    "can you meet that schedule?'), not about children, pregnancy or a partner.",
    "religion": "Ask about availability for the schedule the job needs, not about faith or "
    "its holidays.",
    "national-origin": "Ask whether they are authorised to work in this country, and which "
    "languages the job needs they speak; not where they or their family are from.",
    "health": "Describe the job's essential duties and ask whether they can perform them, with "
    "or without reasonable accommodation; not about conditions, medication or sick days.",
    "sex-orientation": "Leave it out: sex, gender identity and orientation have no bearing on "
    "the job.",
}

_P = {
    "sex-orientation": [
        r"only (?:woman|man|girl|guy|female|male|lady)\b",
        r"born (?:a )?(?:male|female|a man|a woman|a boy|a girl)",
        r"being a (?:girl|woman|lady|man|guy|female|male)\b",
        r"\bas a (?:woman|man|girl|lady|female|male|mum|mother|father)\b",
        r"(?:being|as) a (?:female|male|woman|man) \w+",
        r"(?:woman|man|women|men)'s job",
        r"a (?:woman|man) (?:handling|in charge|doing|running)",
        r"\bpride\b",
        r"\bgay\b",
        r"lesbian",
        r"\bstraight\b(?! away| to| after| answer| forward)",
        r"bisexual",
        r"boyfriend",
        r"girlfriend",
        r"\bsexual",
        r"orientation\b(?! day| week"
        r"| session| programme| program)",
        r"transgender",
        r"\btrans\b",
        r"gender identity",
        r"identify as",
        r"a man or a woman",
        r"male or female",
        r"\bsame[- ]sex",
        r"\bqueer",
        r"which (?:gender|sex)",
        r"your (?:gender|sex)\b",
        r"\blgbt",
        r"\b(?:a|as a) (?:woman|man|girl|guy|lady|female|male)\b (?:would|could|can|will|might"
        r"|handle|cope|fit|be|manage)",
        r"mostly (?:guys|men|women|female|male|blokes)",
        r"\btransition(?:ing|ed)?\b(?! (?:to|into|from|plan|period|phase))",
        r"always gone by (?:that|this|your) name",
        r"name you were born with",
        r"birth name",
        # A sex stereotype put to the candidate in one sentence: "Women tend to be better at the
        # detail work, so you'd be great on compliance"; not "In our data men churn faster."
        r"\b(?:women|men|girls|guys|ladies|blokes|lads|females|males) (?:tend to be|are(?: just"
        r"| naturally| generally)?|make) (?:better|worse|more|less|naturally|too)\b[^.?!]*"
        r"\byou",
    ],
    "family": [
        r"settled? down",
        r"footloose",
        r"little ones",
        r"\bcr[eè]che",
        r"minding (?:them|the)",
        r"better half",
        r"young family",
        r"(?:have|got) (?:you )?someone minding",
        r"are you single\b|\bsingle or (?:married|attached|taken)|still single",
        r"wedding",
        r"school run",
        r"(?:with|mind|minding|pick up|picking up|drop off) the kids",
        r"just you at home",
        r"(?:anyone|someone) else (?:at home|to think about)",
        r"(?:new|little) (?:baby|one) at home",
        r"\bchild",
        r"\bkids?\b",
        r"pregnan",
        r"start(?:ing)? a family",
        r"family plans",
        r"plan(?:s|ning)? (?:for|to have) (?:a )?(?:family|baby|babies)",
        r"\bbab(?:y|ies)\b",
        r"childcare",
        r"child care",
        r"babysit",
        r"\bnanny",
        r"\bmarried",
        r"\bmarriage",
        r"\bhusband",
        r"\bwife\b",
        r"\bspouse",
        r"\bfianc",
        r"\bengaged\b",
        r"maiden name",
        r"marital",
        r"maternity",
        r"paternity",
        r"parental leave",
        r"anyone at home",
        r"someone at home",
        r"(?:look|looks|looking) after (?:at home|someone|anyone|your)",
        r"dependa?n(?:t|ts|ce)\b",
        r"family (?:commitments|obligations|responsibilities|life"
        r"|situation|circumstances)",
        r"\bpartner (?:do|does|work|mind|think)",
        r"your partner\b",
        r"settle down",
        r"caring responsibilities",
        r"\bcarer\b",
        r"\bmum\b|\bmom\b|\bmother\b(?! tongue)|\bfather\b|\bdad\b(?=.*(?:home|care|look))",
    ],
    "age": [
        r"put (?:the|your) feet up",
        r"(?:good )?few years behind you",
        r"half your age",
        r"(?:at|in) (?:this|that|your) stage (?:of|in) (?:life|your life|your career)",
        r"(?:still )?(?:got|have) the energy",
        r"\b(?:the )?(?:sixties|seventies|eighties|nineties)\b",
        r"(?:graduate|graduated|gcses?|a[- ]levels?|o[- ]levels?|left school|leave school)\b.*"
        r"(?:year|when|long ago)|(?:year|when|long ago)\b.*(?:graduate|gcses?|a[- ]levels?"
        r"|o[- ]levels?|left school)",
        r"winding down",
        r"\b(?:the )?(?:oldest|youngest) (?:one|person|on|in|member)",
        r"young (?:lads|ones|team|people|crowd|uns|guys|girls)",
        r"(?:\d+|twenty|thirty|forty|fifty)[- ]odd years",
        r"keep up with (?:the )?young",
        r"for someone (?:your age|of your age|of your generation)",
        r"how old",
        r"your age\b",
        r"\bage are you",
        r"year (?:were|was) you born",
        r"when were you born",
        r"date of birth",
        r"\bbirthday",
        r"\bborn in (?:the )?(?:19|20|'|eighties|nineties|seventies|sixties)",
        r"(?:graduate|graduated|finish|finished|leave|left) (?:from )?(?:high school|secondary"
        r"|school)",
        r"high school .*(?:year|when)",
        r"\bretir",
        r"\b(?:twenty|thirty|forty|fifty|sixty)[- ]?somethings?",
        r"slowing down",
        r"started (?:out )?(?:back )?in,? (?:what,? )?(?:19|20)\d\d",
        r"too (?:old|young)",
        r"\b(?:older|younger) (?:than|colleagues|team|people|manager|boss|supervisor|lead)",
        r"\b(?:over|under|older than|younger than) (?:the age of )?(?:[3-9]\d|thirty|forty|fifty"
        r"|sixty)\b",
        r"\bin your (?:twenties|thirties|forties|fifties|sixties)",
        r"generation",
        r"digital native",
        r"years? (?:left|until) (?:you )?(?:stop|retire)",
        r"how (?:long|many years) (?:more )?(?:do|will) you (?:plan to |want to |intend to )?"
        r"(?:keep )?work(?:ing)? before",
        r"at your (?:age|stage of life)",
        r"young (?:team|for)",
        r"\bmillennial",
        r"gen ?z\b",
        r"boomer",
    ],
    "religion": [
        r"sundays?\b.*(?:get up to|usually do|do you do)|(?:get up to|usually do) on sundays?",
        r"religio",
        r"\bchurch",
        r"\bmosque",
        r"synagogue",
        r"\btemple\b",
        r"\bpray",
        r"\bfaith\b",
        r"\bgod\b",
        r"believe in",
        r"sabbath",
        r"christmas",
        r"\beaster\b",
        r"ramadan",
        r"\bfast(?:ing)?\b(?! paced| learner| food|er)",
        r"kosher",
        r"halal",
        r"\bworship",
        r"holy days",
        r"\bholidays? (?:do )?you (?:observe|celebrate|keep)",
        r"(?:observe|celebrate) (?:any )?(?:holidays|festivals)",
        r"\bdiwali",
        r"\bvaisakhi|\bholi\b",
        # Leave for a festival, asked of the candidate ("You'll be taking leave for Diwali?");
        # not "How would you cover a team member's leave for Eid?"
        r"\byou(?:'ll|'d| will| would)?(?: be)? (?:need(?:ing)?|want(?:ing)?|tak(?:e|ing)"
        r"|hav(?:e|ing)|get(?:ting)?|book(?:ing)?) (?:some |any )?(?:leave|time off|days? off)"
        r" (?:for|during|over) (?:diwali|eid|ramadan|passover|yom kippur|hanukkah|vaisakhi"
        r"|holi|lent)\b",
        r"\beid\b",
        r"hanukkah|yom kippur|passover|lent\b",
        r"headscarf|hijab|turban|yarmulke|kippah",
        r"\bspiritual",
        r"\bbeliefs?\b",
        r"\bchristian|muslim|jewish|hindu|sikh|buddhist|atheist",
    ],
    "national-origin": [
        r"\bname\b.*\bwhere (?:does|did|is) it (?:come )?from",
        r"where does (?:the|your|that) name come from",
        r"over here\b",
        r"been in (?:this|the) country",
        r"where's home\b.*originally|originally\b.*where's home",
        r"your people\b",
        r"\bculturally\b",
        r"live back (?:in|home)",
        r"came over (?:here|from)",
        r"family (?:come|came) over",
        r"from (?:the|your) (?:surname|name|accent)",
        r"you're (?:igbo|yoruba|hausa|polish|irish|chinese|indian|pakistani|nigerian|african|asian"
        r"|hispanic|latino|latina|arab|jewish|filipino|filipina|malay|tamil|scottish|welsh)\b",
        r"(?:grow|grew) up speaking",
        r"speak(?:ing)? \w+ at home",
        r"where (?:are|were) you (?:from|born|raised|originally)",
        r"where (?:is|was) your "
        r"(?:family|accent|name)",
        r"where.*your (?:parents|family|folks|grandparents).*from",
        r"your (?:parents|family|folks|grandparents) from",
        r"\bborn (?:in|here|abroad)",
        r"originally from",
        r"nationality",
        r"\bcitizen",
        r"\baccent",
        r"first language",
        r"native (?:language|tongue|speaker|country)",
        r"mother tongue",
        r"\bethnic",
        r"\brace\b",
        r"heritage",
        r"what country",
        r"home country",
        r"back home",
        r"immigra",
        r"green card",
        r"\bdescent\b",
        r"\bancestr",
        r"(?:what|which) (?:kind of|sort of )?(?:name|surname) is (?:that|this)",
        r"\bnaturali[sz]",
        r"country of origin",
        r"(?:name|surname)\b.*\borigin",
        r"\byour (?:\w+ )?origins?\b",
        r"where did you grow up",
        r"\btribe\b",
        r"\bcaste\b",
        r"english (?:is|was) (?:not )?your",
        r"speak (?:english )?at home",
        r"what background",
        r"background is (?:that|it|this)",
        r"(?:surname|last name|family name)\b.*(?:from|background|origin)",
        r"(?:been|living|lived|came|come|arrived) (?:in|to) (?:this|the) country",
    ],
    "health": [
        r"prescri(?:ption|bed) (?:medication|medicine|drugs|pills|tablets)",
        r"energy levels",
        r"\bdrink (?:much|a lot|heavily)|\bdrinker\b|\bbooze",
        r"signed off (?:with|for|sick)",
        r"fit and healthy",
        r"(?:no|any) conditions",
        r"\btablets\b",
        r"physio",
        r"time off (?:for|with) (?:stress|anxiety|depression)",
        r"(?:see|seeing) (?:anyone|someone)\b.*(?:counsell|therap|doctor|gp)",
        r"how's the (?:back|knee|hip|shoulder)|(?:bad|dodgy|sore|gammy) (?:back|knees?|hip)",
        r"\bknees?\b.*(?:anything|problems|trouble)",
        r"health thing",
        r"keep(?:s)? yourself in shape",
        r"disab",
        r"\bhealth",
        r"medical",
        r"medicat",
        r"\bmedicine",
        r"illness",
        r"\bill\b",
        r"\bsick",
        r"\bcondition",
        r"diagnos",
        r"\bmental",
        r"depress",
        r"anxiety",
        r"therapy|therapist|counsell?ing|psychiatr",
        r"surgery|operation on",
        r"injur",
        r"workers'? comp",
        r"compensation claim",
        r"handicap",
        r"hospital",
        r"wheelchair",
        r"\bdoctor",
        r"\bpills?\b",
        r"\bdrugs?\b",
        r"\balcohol",
        r"how much do you drink",
        r"chronic",
        r"\bcancer",
        r"diabet",
        r"\bhiv\b",
        r"\bpain\b",
        r"\bstress leave",
        r"time off (?:for|because of) (?:your )?(?:back|health|illness|appointments)",
        r"physical (?:limitations|problems)",
        r"\bimpair",
        r"\bdyslex|adhd|autis",
        r"\bblind\b|\bdeaf\b|hearing aid",
        r"\bweight\b(?! of| limit)",
        r"\bgenetic",
        r"\bsleep (?:problems|disorder)",
        r"burn(?:ed|t)? ?out",
        r"breakdown",
        # What the interviewer sees: "that knee brace, what happened there?", "a bit of a limp";
        # not "rollback support", "leads limp along", "the project was on crutches".
        r"\b(?:knee|back|neck|wrist|ankle|leg|arm) (?:brace|splint)\b",
        r"\b(?:a|that|your|the) (?:bit of a |slight |bad )?limp\b",
        r"\byou(?:'re|'ve| are| were)?\b[^.?!]*\bon crutches\b",
        r"\byour walking (?:stick|aid|frame)\b",
        r"\byour (?:\w+ )?(?:arm|wrist|leg|foot|ankle|hand) (?:is )?in a (?:sling|cast)\b",
        r"what happened (?:to|with) your (?:\w+ )?(?:arm|leg|hand|eye|face|knee|back|foot|wrist"
        r"|ankle|shoulder|neck|fingers?)\b",
        r"(?:any|no) (?:health|medical|back|heart|mental) (?:stuff|issues|problems|conditions"
        r"|concerns|things)",
        # "Is there any medical condition we should know about?"
        r"\bany (?:[\w-]+ )?(?:medical|health) (?:conditions?|issues?|problems?|history)\b[^.?!]*"
        r"\b(?:we|i)"
        r" (?:should|need to|ought to|must) (?:know|be aware)",
    ],
}
# One pattern at a time: in one alternation a weak word ("child") would hide a strong one
# starting at the same place ("childcare").
_PROTECTED = {topic: [re.compile(p) for p in patterns] for topic, patterns in _P.items()}
# Lawful, job-related forms that share words with a protected topic (checked per topic).
_LAWFUL = {
    "age": re.compile(
        r"(?:at least|over|older than|under) (?:the age of )?(?:16|18|21|sixteen|eighteen|twenty"
        r"-one)|legal (?:minimum )?age|minimum age|age requirement"
    ),
    "national-origin": re.compile(
        r"authori[sz]ed to work|right to work|permit(?:ted)? to work|work (?:permit|visa)"
        r"|visa sponsorship|need (?:a )?sponsor|eligible to work|legally (?:able|allowed)"
        r"|role (?:needs|requires)|job (?:needs|requires)|required for the (?:role|job)"
        r"|native[- ]level"
    ),
    "health": re.compile(
        r"essential (?:functions|duties)|reasonable accommodation|with or without"
        r"|health and safety|health ?care (?:sector|setting|experience|background)"
        r"|mental model|condition of (?:the|a)|in good condition|sick of"
        r"|patients?'? (?:health|condition|medication)|health (?:insurance )?(?:benefits|plan)"
        r"|health records|public health|health service|healthcare|health care"
        r"|medication (?:administration|training|round|chart|management|errors?)"
        r"|\b(?:drivers?|staff|colleagues?|someone|people|workers?|employees?|members?|they|he"
        r"|she|nurses?|teachers?|agents?|handlers?|pickers?) (?:\w+ ){0,2}(?:call|calls|called"
        r"|calling|phone|phones|phoned|phoning) in sick"
        r"|reasonable adjustments"
    ),
    "family": re.compile(r"family business|family-owned|family of products"),
    "religion": re.compile(r"believe in (?:the|this|our) (?:product|company|mission|team)"),
}
# Words of a topic that are the job's own subject as often as the candidate's ("a patient's
# medication", "a child who disrupts the class", "the two weeks before Christmas"): flagged only
# when the candidate is named within the five words before ("are you on any medication?").
_WEAK = {
    topic: re.compile(words)
    for topic, words in {
        "health": r"(?:hospital|doctor|medical|medicat|medicine|drug|pill|pain|weight|condition"
        r"|therap|counsel|surgery|operation|injur|health|ill|alcohol|sleep|diabet|diagnos"
        r"|workers'? comp|compensation)\w*",
        # Whole words only: "childcare" is not "child".
        "family": r"child(?:ren)?|kids?|nann(?:y|ies)|babysit\w*|look\w*|mum|mom|mother|father"
        r"|dad|carer|bab(?:y|ies)|pregnan\w*|maternity|paternity",
        "religion": r"(?:christmas|easter|ramadan|diwali|eid|holiday|fast|temple|lent|belie|halal"
        r"|kosher|religio)\w*",
        "national-origin": r"(?:first language|native|mother tongue)\w*",
    }.items()
}
_CANDIDATE = re.compile(r"\b(?:you|your|yours|yourself|you're|you've|you'd|you'll)\b")
# The words that may stand between the candidate and such a word for it to be theirs: "your
# kids", "do you have any kids", "are you on any medication", "you ever been in hospital";
# not "how do you settle a child who cries", where the child is the job's.
_BETWEEN = frozenset(
    "have has had got any a an the no some ever been on in taking take took need needed are were"
    " still currently young small little own older elderly new 've 're celebrate observe keep"
    " attend go to for time off during over at with live living looking after mind expecting"
    " regular regularly usually any other erm um uh er like plan plans planning get getting"
    " trying going needing be claimed claim made filed received practise practice follow"
    " important to put prescription prescribed regular daily not gonna".split()
)


_ASKED_AFTER = re.compile(
    r"\w*\s+(?:(?:are|were|do|did|would|will|important to|matter to|mean to|reason)\s+)?"
    r"(?:you|you'd|you're|yourself)\b"
)


# A religious day weighed as a burden on the candidate: "is Eid gonna be a problem for you".
# Not its trade ("would the Diwali rush be a problem for you?"), nor Christmas, Easter or
# holidays, which name the calendar as often as a faith.
_FESTIVAL = re.compile(
    r"(?:ramadan|diwali|eid|lent|passover|yom kippur|hanukkah|vaisakhi|holi)\b"
    # the trade around a festival is the job's schedule, whatever the faith ("the Diwali rush")
    r"(?! (?:rush|period|season|week|weekend|trading|peak|sales?|shifts?|rota|orders)\b)"
)
_BURDEN_AFTER = re.compile(
    r"\w*(?:\s+\w+){0,4}?\s+(?:a |an )?(?:problem|issue|clash|conflict|difficult\w*|affect\w*"
    r"|trouble|hard)\b(?:\s+\w+){0,2}?\s+(?:you|your)\b"
)


def _attached(text: str, start: int) -> bool:
    """Whether the word at ``start`` is the candidate's own: named in the same sentence within
    the five words before it, with only ``_BETWEEN`` words between."""
    sentence = re.split(r"[.?!]", text[:start])[-1]
    if re.match(r"\s*any\b", sentence):
        return True  # "Any plans to fast during Ramadan?": the candidate, addressed
    words = [w.strip(",;:'") for w in sentence.split()[-6:]]
    for i in range(len(words) - 1, -1, -1):
        if _CANDIDATE.fullmatch(words[i]):
            return all(w in _BETWEEN for w in words[i + 1 :])
    # or asked of just after it: "What religion are you?", "a religious reason you'd be off
    # that?", "Is religion important to you?"
    after = text[start:]
    return bool(_ASKED_AFTER.match(after)) or bool(
        _FESTIVAL.match(after) and _BURDEN_AFTER.match(after)
    )


def protected_topic(text: str) -> str | None:
    """The protected topic the lower-cased question ``text`` asks about, or None."""
    for topic, patterns in _PROTECTED.items():
        for match in (m for pattern in patterns for m in pattern.finditer(text)):
            # A lawful form covers the words inside it, not the rest of the question: "Are you
            # over 18? And how old are you exactly?" is still asked.
            lawful = _LAWFUL.get(topic)
            spans = [m.span() for m in lawful.finditer(text)] if lawful is not None else []
            if any(a <= match.start() < b for a, b in spans):
                continue
            weak = _WEAK.get(topic)
            if (
                weak is not None
                and weak.fullmatch(match.group(0).strip())
                and not _attached(text, match.start())
            ):
                continue
            return topic
    return None
