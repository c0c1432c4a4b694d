/// A GET's `Range` header as S3 reads it: one range of bytes, the end clamped to the object; several ranges or a
/// malformed header are ignored (the whole object is sent), as RFC 7233 allows.
enum S3ByteRange: Equatable {
    case whole
    case part(ClosedRange<Int>)
    /// No byte of the object falls in the range: 416 `InvalidRange`.
    case unsatisfiable

    init(header: String?, size: Int) {
        guard let header, header.hasPrefix("bytes="), !header.contains(",") else {
            self = .whole
            return
        }
        let spec = header.dropFirst("bytes=".count)
        guard let dash = spec.firstIndex(of: "-") else {
            self = .whole
            return
        }
        let first = spec[..<dash]
        let last = spec[spec.index(after: dash)...]
        switch (Int(first), Int(last)) {
        case (nil, let suffix?) where first.isEmpty && suffix >= 0:  // `bytes=-n`: the last n bytes
            self = suffix == 0 || size == 0 ? .unsatisfiable : .part(max(0, size - suffix)...(size - 1))
        case (let start?, nil) where last.isEmpty && start >= 0:  // `bytes=a-`: from a to the end
            self = start >= size ? .unsatisfiable : .part(start...(size - 1))
        case (let start?, let end?) where start >= 0 && start <= end:
            self = start >= size ? .unsatisfiable : .part(start...min(end, size - 1))
        default:
            self = .whole
        }
    }
}
