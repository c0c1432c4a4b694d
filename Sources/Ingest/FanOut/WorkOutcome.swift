/// What taking one piece of a large file's work (a range to write, a part to settle) did: whether this invocation
/// did it (not when it was done before, the version was replaced, or the job is finished), why, and whether the
/// job's pieces are now all done (then the key is reconciled, and `reconciled` says what that did).
public struct WorkOutcome: Sendable, Equatable {
    public var done: Bool
    public var detail: String
    public var jobComplete: Bool
    public var reconciled: ObjectOutcome?

    init(done: Bool, detail: String, jobComplete: Bool = false) {
        self.done = done
        self.detail = detail
        self.jobComplete = jobComplete
    }
}
