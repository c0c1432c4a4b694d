import CSystem

/// Files shipped beside the bootstrap (the OpenAPI document, the market zones' TZif files), read once at init.
public enum TaskFile {
    /// The whole of a small file, or nil when it cannot be read.
    public static func contents(of path: String) -> [UInt8]? {
        let descriptor = csystem_open_read(path)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 { return nil }
            if count == 0 { return bytes }
            bytes += buffer[0..<count]
        }
    }
}
