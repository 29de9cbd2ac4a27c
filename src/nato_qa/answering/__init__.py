"""From a question to the answer's text, around the retrieval in between.

* ``followup``: a follow-up rewritten into a standalone question from the conversation;
* ``analysis``: what the question asks for (its kind, answer type, names and key terms) and
  what of it the corpus does not know;
* ``summary``: the sentences a broad question's summary quotes (relevant and diverse);
* ``compose``: chosen sentences into the cited answer text: factoid, summary or refusal.

The extractive backend (``nato_qa.backends.extractive``) chooses the sentences between
analysis and composition; LLM backends reuse the follow-up rules and the refusal.
"""
