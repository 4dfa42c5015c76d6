import Foundation

/// The job this process belongs to.
public enum Distributed {
    /// MPI's world when the process was started by mpirun (or another MPI launcher), initialised on
    /// first use; otherwise a `SingleProcess`, and MPI is never initialised: a plain run does
    /// exactly what it did before MPI support existed, and prints nothing more.
    public static let current: Communicator = launchedByMPI(ProcessInfo.processInfo.environment) ? MPIWorld() : SingleProcess()

    /// Whether `environment` is that of a process an MPI launcher started: Open MPI's mpirun sets
    /// OMPI_COMM_WORLD_SIZE, PMIx launchers (srun --mpi=pmix, prterun) PMIX_RANK.
    public static func launchedByMPI(_ environment: [String: String]) -> Bool {
        environment["OMPI_COMM_WORLD_SIZE"] != nil || environment["PMIX_RANK"] != nil
    }
}

/// Reduces slices of a buffer on a background thread while the caller goes on computing: the
/// backward pass hands over each layer's gradients as soon as they are final and continues with
/// the layers below; `finish()` waits for the last slice. Slices are reduced in the order given,
/// and every rank must give the same slices in the same order. The caller must not make other
/// collective calls between the first `reduce` and `finish()`.
public final class OverlappedReduction {
    public let communicator: Communicator
    private let queue = DispatchQueue(label: "cochlea.allreduce")
    private let group = DispatchGroup()
    /// Seconds the caller spent waiting in `finish()`: the part of the reduction not hidden.
    public private(set) var waitSeconds = 0.0

    public init(communicator: Communicator) { self.communicator = communicator }

    /// Starts summing `slice` over all ranks (then × `scale`), in the background when the
    /// communicator allows it, else at once.
    public func reduce(_ slice: UnsafeMutableBufferPointer<Float>, scale: Float = 1) {
        guard communicator.allowsBackgroundCalls else {
            communicator.allreduceSum(slice, scale: scale)
            return
        }
        nonisolated(unsafe) let slice = slice
        let communicator = self.communicator
        queue.async(group: group) { communicator.allreduceSum(slice, scale: scale) }
    }

    /// Waits until every slice given so far has been reduced.
    public func finish() {
        let started = DispatchTime.now()
        group.wait()
        waitSeconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
    }
}
