import ArgumentParser
import CochleaCore
import CochleaDistributed
import CochleaTraining
import Foundation

/// A command as one process of an mpirun job (or a plain run, where this changes nothing).
enum Job {
    /// The default --threads: every core, shared between the ranks mpirun started on this machine.
    static var defaultThreads: Int {
        let local = ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_LOCAL_SIZE"].flatMap(Int.init) ?? 1
        return min(coreThreads, max(1, Parallel.coreCount / max(1, local)))
    }

    /// The default --threads of commands that do not run under mpirun: every core, up to the
    /// threads training takes (so that no default is refused on a machine with more cores).
    static var coreThreads: Int { min(Parallel.coreCount, TrainingOptions.maximumThreads) }

    /// Most threads a command takes: more than the cores only slows a job, and each one costs a
    /// worker's buffers (a billion of them exhausted memory before this check).
    static let maximumThreads = 256

    /// Refuses a --threads value outside 1...`maximumThreads`.
    static func check(threads: Int) throws {
        guard (1...maximumThreads).contains(threads) else {
            throw ValidationError("--threads must be 1 to \(maximumThreads), got \(threads)")
        }
    }

    /// Runs `body` with the job's communicator. Under mpirun, only rank 0 writes to the console;
    /// an error that every rank meets at the same point (a `TrainingError`, an `ExitCode`) is
    /// reported once by rank 0, and any other error ends the whole job at once with the failing
    /// rank's message, so that no rank is left waiting for it.
    static func run(_ body: (Communicator) throws -> Void) throws {
        let world = Distributed.current
        guard world.isDistributed else { return try body(world) }
        Console.enabled = world.rank == 0
        do {
            try body(world)
        } catch let error where error is ExitCode || error is TrainingError {
            if world.rank == 0 { throw error }
            throw error as? ExitCode ?? ExitCode(1)
        } catch {
            world.abort("rank \(world.rank) of \(world.size): \(error)", code: 1)
        }
    }
}
