import Foundation

/// The contents of a fixture file committed under a test target's `Fixtures` folder.
/// `file` is the calling test file (`#filePath`), whose folder holds `Fixtures`.
public func fixtureData(_ name: String, relativeTo file: String = #filePath) throws -> Data {
    let url = URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("Fixtures").appendingPathComponent(name)
    return try Data(contentsOf: url)
}

/// A JSON fixture decoded as `T`.
public func fixtureJSON<T: Decodable>(_ type: T.Type, _ name: String, relativeTo file: String = #filePath) throws -> T {
    try JSONDecoder().decode(T.self, from: fixtureData(name, relativeTo: file))
}
