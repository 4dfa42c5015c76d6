// The network's API is generic over `Real`; re-export it so that users of the layers see Float's
// and Double's conformances without importing the linear-algebra module themselves.
@_exported import CochleaLinalg
