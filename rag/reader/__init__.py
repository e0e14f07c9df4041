"""The learned reader: a small extractive QA model trained here on SQuAD v1.1 train.

It reads a question with one candidate sentence (and the sentence before it, for pronouns)
and says how likely the sentence answers the question and where the answer lies in it.
`encode` is shared by training and inference; `model` runs the shipped ONNX file;
`train` and `export` build it (`make reader`).
"""
