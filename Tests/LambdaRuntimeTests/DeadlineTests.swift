import Testing
import Timekeeping

@Suite("Deadline: a moment on the wall clock, compared across processes")
struct DeadlineTests {
    @Test func aDeadlineAheadHasTimeLeftAndOneBehindHasPassed() {
        let ahead = Deadline.after(milliseconds: 60_000)
        #expect(!ahead.hasPassed)
        #expect((59_000...60_000).contains(ahead.remainingMilliseconds))
        #expect(ahead.isWithin(milliseconds: 61_000) && !ahead.isWithin(milliseconds: 50_000))
        #expect(Deadline.after(milliseconds: -1).hasPassed)
    }

    @Test func aMarginMovesItEarlierAndTheEarlierOfTwoIsTheMinimum() {
        let lambda = Deadline(epochMilliseconds: 1_700_000_010_000)
        let ours = lambda.earlier(by: 10_000)
        #expect(ours == Deadline(epochMilliseconds: 1_700_000_000_000))
        #expect(min(lambda, ours) == ours)
    }
}
