"""Reading sentences for an answer: shared by retrieval (the passage rerank) and the
extractive backend.

From the question to a scored sentence, one concept a module:

* ``entities``: the names and numbers a question asks about, and whether a sentence
  mentions them;
* ``answer_types``: the kind of answer the question wants (a sum, a date, a person's name,
  reported speech …), read from its wording, and whether a sentence holds one;
* ``measured``: what a quantity question measures, which the answer's number must be of;
* ``cues``: what makes a sentence a likelier answer (a reason for "why", a name beside the
  deed for "who", a quotation for "what did X say");
* ``scorer``: every sentence of the retrieved passages scored against the question
  (``SentenceScorer``);

on top of what values look like in text (``patterns``), people's names (``names``) and
reported speech (``speech``).
"""
