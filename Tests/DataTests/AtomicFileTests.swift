import Foundation
import RecurrentTestSupport
import RecurrentData
import Testing

@Suite struct AtomicFileTests {
    @Test func createsAndReplacesFiles() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("out.bin").path

        try writeAtomically(Data("first, longer contents".utf8), to: path)
        #expect(FileManager.default.contents(atPath: path) == Data("first, longer contents".utf8))
        try writeAtomically(Data("second".utf8), to: path)
        #expect(FileManager.default.contents(atPath: path) == Data("second".utf8))
        try writeAtomically(Data(), to: path)
        #expect(FileManager.default.contents(atPath: path) == Data())
        // No temporary file is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["out.bin"])
    }

    @Test func keepsTheReplacedFilesPermissions() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("script.sh").path
        try writeAtomically(Data("#!/bin/sh\n".utf8), to: path)
        try FileManager.default.setAttributes([.posixPermissions: 0o750], ofItemAtPath: path)
        try writeAtomically(Data("#!/bin/sh\necho hi\n".utf8), to: path)
        let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(permissions == 0o750)
    }

    @Test func failureInAMissingDirectoryThrows() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("no/such/dir/out.bin").path
        let error = try #require(throws: AtomicWriteError.self) { try writeAtomically(Data("x".utf8), to: path) }
        #expect(error.path == path)
        #expect(error.reason == "No such file or directory")
        #expect(error.description.hasPrefix("\(path): cannot create a temporary file in "))
    }

    /// Renaming a file over a non-empty directory fails after the temporary file was fully
    /// written: the destination must be untouched and the temporary file removed.
    @Test func failedRenameLeavesTheDestinationAndNoTemporaryFile() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let destination = directory.appendingPathComponent("model.safetensors")
        try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: false)
        let inside = destination.appendingPathComponent("keep.txt").path
        try writeAtomically(Data("precious".utf8), to: inside)

        #expect(throws: AtomicWriteError.self) { try writeAtomically(Data("new".utf8), to: destination.path) }
        #expect(FileManager.default.contents(atPath: inside) == Data("precious".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["model.safetensors"])
    }

    /// A safetensors write that fails (reserved name) never touches the existing model.
    @Test func failedModelWriteKeepsTheExistingFile() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("model.safetensors").path
        try SafeTensorsTests.sample.write(toFile: path)
        let before = FileManager.default.contents(atPath: path)

        var broken = SafeTensorsTests.sample
        broken["__metadata__"] = .init([1])
        #expect(throws: SafeTensorsError.self) { try broken.write(toFile: path) }
        #expect(FileManager.default.contents(atPath: path) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["model.safetensors"])
    }
}
