/// CTC loss and gradient (see the model-core issue).
public enum CTC {}
