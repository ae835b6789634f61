import RecurrentTensor

extension DelimitedText {
    /// The 0-based position of the column called `name`.
    ///
    /// - Throws: ``DelimitedTextError`` listing the available columns when none is called `name`,
    ///   or their positions when several are.
    public func columnIndex(named name: String) throws -> Int {
        let matches = header.indices.filter { header[$0] == name }
        guard let first = matches.first else {
            throw DelimitedTextError(file: fileName, line: headerLine, problem: .missingColumn(name: name, available: header))
        }
        guard matches.count == 1 else {
            throw DelimitedTextError(file: fileName, line: headerLine, problem: .ambiguousColumn(name: name, columns: matches.map { $0 + 1 }))
        }
        return first
    }

    /// The values of the column called `name`, one per record.
    public func strings(inColumn name: String) throws -> [String] {
        let column = try columnIndex(named: name)
        return records.map { $0.fields[column] }
    }

    /// The column called `name` parsed as numbers, one per record.
    ///
    /// A cell may have spaces or tabs around the number and uses `.` as decimal point
    /// (`-1.5`, `2e-3`, `+7`); it may not be empty, NaN or infinite.
    ///
    /// - Throws: ``DelimitedTextError`` at `file:line:column` naming the column and the cell's text.
    public func floats(inColumn name: String) throws -> [Float] {
        let column = try columnIndex(named: name)
        return try records.indices.map { try float(inRecord: $0, column: column) }
    }

    /// The cell at `column` (0-based) of record `recordIndex` parsed as a finite number, with
    /// the rules of ``floats(inColumn:)``. The indices must be in range (a programming error otherwise).
    public func float(inRecord recordIndex: Int, column: Int) throws -> Float {
        precondition(records.indices.contains(recordIndex), "DelimitedText.float: record \(recordIndex) out of range 0..<\(records.count)")
        precondition(header.indices.contains(column), "DelimitedText.float: column \(column) out of range 0..<\(header.count)")
        let record = records[recordIndex]
        let text = record.fields[column]
        func failure(_ problem: DelimitedTextError.Problem) -> DelimitedTextError {
            DelimitedTextError(file: fileName, line: record.line, column: column + 1, problem: problem)
        }
        var view = text[...].utf8
        while let first = view.first, first == 0x20 || first == 0x09 { view = view.dropFirst() }
        while let last = view.last, last == 0x20 || last == 0x09 { view = view.dropLast() }
        guard !view.isEmpty else { throw failure(.emptyCell(column: header[column])) }
        guard let value = Float(Substring(view)) else {
            throw failure(.notANumber(column: header[column], found: text))
        }
        guard value.isFinite else { throw failure(.notFinite(column: header[column], found: text)) }
        return value
    }

    /// The named columns as numbers, as a tensor of shape `[records.count, names.count]`: row
    /// `r` holds record `r`'s values in the order of `names`.
    ///
    /// - Throws: ``DelimitedTextError`` for a missing column or a cell that is not a finite number.
    public func floatTensor(columns names: [String]) throws -> Tensor {
        let columns = try names.map { try columnIndex(named: $0) }
        var scalars: [Float] = []
        scalars.reserveCapacity(records.count * columns.count)
        for recordIndex in records.indices {
            for column in columns { scalars.append(try float(inRecord: recordIndex, column: column)) }
        }
        return Tensor(shape: [records.count, columns.count], scalars: scalars)
    }
}
