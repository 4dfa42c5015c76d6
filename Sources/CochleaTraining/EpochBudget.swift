/// How many epochs a run with a time limit plans: those done, plus those that fit in the time
/// left at the mean epoch time so far, never more than were asked for.
enum EpochBudget {
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
