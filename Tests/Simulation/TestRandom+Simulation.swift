import TestSupport

/// The simulation's randomness is the tests' SplitMix64: a seed replays a run exactly.
extension TestRandom {
    /// A generator of its own for one part of the run, so that drawing more in one part moves no other.
    mutating func split() -> TestRandom {
        TestRandom(seed: next())
    }

    /// True with probability `perMillion` parts per million.
    mutating func chance(_ perMillion: Int) -> Bool {
        perMillion > 0 && Int.random(in: 0..<1_000_000, using: &self) < perMillion
    }
}
