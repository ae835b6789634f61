import Foundation
import RecurrentTasks
import RecurrentTestSupport
import Testing

/// The SVG writer: well-formed XML whatever the text, and the elements asked for.
@Suite struct SVGDocumentTests {
    /// Markup characters, quotes and characters XML forbids, in text and in attribute values.
    @Test func anyTextGivesWellFormedXML() throws {
        let hostile = "a<b & c>\"d\" 'e' \u{1}\u{8}\u{1B}[0m \u{FFFE} tab\there ünïcödé 😀 ]]> <!-- x -->"
        var svg = SVGDocument(width: 100, height: 50)
        svg.text(hostile, at: PlotPoint(x: 1, y: 2))
        svg.rectangle(PlotRect(x: 0, y: 0, width: 10, height: 10), fill: hostile)
        svg.fontFamily = hostile
        let outline = try XMLOutline(svg.rendered())
        #expect(outline.rootName == "svg")
        let expected = String(String.UnicodeScalarView(hostile.unicodeScalars.map { scalar -> Unicode.Scalar in
            scalar.value < 0x20 && scalar != "\t" || scalar.value == 0xFFFE ? "\u{FFFD}" : scalar
        }))
        #expect(outline.texts == [expected])
        #expect(outline.elements.first { $0.name == "rect" && $0.attributes["width"] == "10" }?.attributes["fill"] == expected)
        #expect(outline.elements.first?.attributes["font-family"] == expected)
    }

    @Test func elementsAndCoordinates() throws {
        var svg = SVGDocument(width: 320, height: 200)
        let area = PlotRect(x: 10, y: 10, width: 300, height: 180)
        svg.polyline([PlotPoint(x: 1, y: 2), PlotPoint(x: 3.456, y: -0.004), PlotPoint(x: 1e7, y: 0.5)],
                     stroke: .init(color: "red", width: 1.5, dashes: [4, 2]), clip: area)
        svg.polyline([PlotPoint(x: 5, y: 5)], stroke: .init(color: "blue"), clip: area)
        svg.polyline([], stroke: .init(color: "blue"))
        svg.circle(center: PlotPoint(x: 5, y: 5), radius: 2, fill: "blue", clip: area)
        svg.line(from: PlotPoint(x: 0, y: 0), to: PlotPoint(x: 1, y: 1), stroke: .init(color: "#000"))
        let outline = try XMLOutline(svg.rendered())
        #expect(outline.count("path") == 2, "an empty polyline draws nothing")
        #expect(outline.count("clipPath") == 1, "one clip rectangle shared by every element clipped to it")
        let path = try #require(outline.elements.first { $0.name == "path" })
        #expect(path.attributes["d"] == "M1 2L3.46 0L10000000 0.5")
        #expect(path.attributes["stroke-dasharray"] == "4 2")
        #expect(path.attributes["clip-path"] == "url(#clip0)")
        let root = try #require(outline.elements.first)
        #expect(root.attributes["viewBox"] == "0 0 320 200")
    }
}
