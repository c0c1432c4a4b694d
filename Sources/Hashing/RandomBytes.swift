import COpenSSL

/// Unpredictable bytes from OpenSSL's CSPRNG (seeded by the kernel): upload ids a caller cannot guess.
public enum RandomBytes {
    /// Nil only when OpenSSL cannot seed itself, which a caller reports as an internal failure.
    public static func generate(_ count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        let status = bytes.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32(count)) }
        return status == 1 ? bytes : nil
    }
}
