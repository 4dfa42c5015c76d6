import Foundation

/// A run's time limit (`TrainingOptions.timeLimit`): after each epoch, the epochs done plus those
/// that fit in the time left at the mean epoch time so far, never more than were asked for.
struct EpochBudget {
    /// The run's seconds.
    let limit: Double
    /// When the run started (features included) and when its epoch loop did, at `firstEpoch`.
    let runStarted: Date
    let loopStarted: Date
    let firstEpoch: Int

    /// Seconds since the run started and the mean seconds of this run's epochs, when `done`
    /// epochs have ended at `now`.
    func readings(at now: Date, done: Int) -> [Double] {
        [now.timeIntervalSince(runStarted), now.timeIntervalSince(loopStarted) / Double(max(1, done - firstEpoch))]
    }

    /// The epochs to plan instead of `planned`, and what to tell the user, or nil when they all fit.
    /// `readings` are `readings(at:done:)`'s (rank 0's under mpirun).
    func cut(planned: Int, done: Int, readings: [Double]) -> (epochs: Int, message: String)? {
        let epochs = Self.epochs(planned: planned, done: done, spent: readings[0], secondsPerEpoch: readings[1], limit: limit)
        guard epochs < planned else { return nil }
        let message = epochs == done
            ? String(format: "time limit: stopping after epoch %d, as another would end past %.1f minutes", epochs, limit / 60)
            : String(format: "time limit: %d of %d epochs fit in %.1f minutes at %.0f s an epoch; the learning-rate schedule now ends with epoch %d",
                     epochs, planned, limit / 60, readings[1], epochs)
        return (epochs, message)
    }

    /// `planned` epochs asked for, `done` of them finished, `spent` seconds since the run started,
    /// `secondsPerEpoch` their mean, `limit` the run's seconds. `done` means: stop now. An epoch
    /// time that is not positive (the wall clock set back) says nothing, and the plan stands.
    static func epochs(planned: Int, done: Int, spent: Double, secondsPerEpoch: Double, limit: Double) -> Int {
        precondition(done >= 0 && planned >= done)
        guard secondsPerEpoch > 0 else { return planned }
        let left = (limit - spent) / secondsPerEpoch
        let fit = left > 0 ? Int(min(left, Double(planned)).rounded(.down)) : 0
        return min(planned, done + fit)
    }
}
