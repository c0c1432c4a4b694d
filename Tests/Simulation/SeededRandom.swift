/// SplitMix64: a small generator whose whole state is one number, so a seed replays a run exactly.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A generator of its own for one part of the run, so that drawing more in one part moves no other.
    public mutating func split() -> SeededRandom {
        SeededRandom(seed: next())
    }

    /// True with probability `chance` (0...1, in parts per million).
    public mutating func chance(_ perMillion: Int) -> Bool {
        perMillion > 0 && Int.random(in: 0..<1_000_000, using: &self) < perMillion
    }
}
