/// Word and character error rates, alignments and transcript files.
public enum Metrics {}
