import CRecurrentKernels
import Foundation
import Testing

/// `rk_lstm_cell_forward_isa`, `rk_gru_cell_forward_isa` and their backward steps (the elementwise
/// part of every fused LSTM and GRU step, per row) against the cells' equations in double precision.
extension VectorMathTests {
    /// Unit counts around every vector width (4, 8, 16): whole vectors, tails, and both.
    static let cellSizes = [0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 33, 129]

    /// A relative error bound with an absolute floor: each output goes through a few
    /// transcendental functions (about 2 ulp each) and a few roundings.
    static func expectCellClose(_ got: [Float], _ expected: [Double], _ what: String, isa: rk_isa, n: Int) {
        for (index, (value, exact)) in zip(got, expected).enumerated() {
            let error = abs(Double(value) - exact)
            #expect(error <= 4e-6 * abs(exact) + 1e-7,
                    "\(what)[\(index)] on \(Self.name(isa)), n = \(n): \(value) vs \(exact)")
        }
    }

    static func sigmoid(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }

    @Test func lstmCellForwardMatchesItsEquations() {
        Self.forEachISA { isa in
            for n in Self.cellSizes {
                // Pre-activations over a wide range (the gates saturate) and a previous cell state.
                var i = Self.pseudoRandom(count: n, scale: 12, seed: 1), f = Self.pseudoRandom(count: n, scale: 3, seed: 2)
                var g = Self.pseudoRandom(count: n, scale: 12, seed: 3), o = Self.pseudoRandom(count: n, scale: 3, seed: 4)
                let cPrevious = Self.pseudoRandom(count: n, scale: 4, seed: 5)
                let (i0, f0, g0, o0) = (i, f, g, o)
                var c = [Float](repeating: .nan, count: n), h = [Float](repeating: .nan, count: n)
                rk_lstm_cell_forward_isa(isa, &i, &f, &g, &o, cPrevious, &c, &h, n)

                let si = i0.map { Self.sigmoid(Double($0)) }, sf = f0.map { Self.sigmoid(Double($0)) }
                let tg = g0.map { Foundation.tanh(Double($0)) }, so = o0.map { Self.sigmoid(Double($0)) }
                let exactC = (0..<n).map { sf[$0] * Double(cPrevious[$0]) + si[$0] * tg[$0] }
                // h from the computed c, so that c's own rounding is not counted twice.
                let exactH = (0..<n).map { so[$0] * Foundation.tanh(Double(c[$0])) }
                Self.expectCellClose(i, si, "i", isa: isa, n: n)
                Self.expectCellClose(f, sf, "f", isa: isa, n: n)
                Self.expectCellClose(g, tg, "g", isa: isa, n: n)
                Self.expectCellClose(o, so, "o", isa: isa, n: n)
                Self.expectCellClose(c, exactC, "c", isa: isa, n: n)
                Self.expectCellClose(h, exactH, "h", isa: isa, n: n)
            }
        }
    }

    @Test func lstmCellBackwardMatchesItsEquations() {
        Self.forEachISA { isa in
            for n in Self.cellSizes {
                // Activations as the forward step leaves them: gates in (0, 1), g in (-1, 1).
                let i = Self.pseudoRandom(count: n, scale: 1, seed: 11).map { 0.5 + 0.49 * $0 }
                let f = Self.pseudoRandom(count: n, scale: 1, seed: 12).map { 0.5 + 0.49 * $0 }
                let g = Self.pseudoRandom(count: n, scale: 0.99, seed: 13)
                let o = Self.pseudoRandom(count: n, scale: 1, seed: 14).map { 0.5 + 0.49 * $0 }
                let c = Self.pseudoRandom(count: n, scale: 3, seed: 15), cPrevious = Self.pseudoRandom(count: n, scale: 3, seed: 16)
                let dOutput = Self.pseudoRandom(count: n, scale: 1, seed: 17)
                var dhNext = Self.pseudoRandom(count: n, scale: 1, seed: 18), dc = Self.pseudoRandom(count: n, scale: 1, seed: 19)
                let (dh0, dc0) = (dhNext, dc)
                var di = [Float](repeating: .nan, count: n), df = di, dg = di, dO = di
                rk_lstm_cell_backward_isa(isa, i, f, g, o, c, cPrevious, dOutput, &dhNext, &dc, &di, &df, &dg, &dO, n)

                var exact = (di: [Double](), df: [Double](), dg: [Double](), dO: [Double](), dc: [Double]())
                for j in 0..<n {
                    let (vi, vf, vg, vo) = (Double(i[j]), Double(f[j]), Double(g[j]), Double(o[j]))
                    let dh = Double(dOutput[j]) + Double(dh0[j]), t = Foundation.tanh(Double(c[j]))
                    let dcTotal = Double(dc0[j]) + dh * vo * (1 - t * t)
                    exact.dO.append(dh * t * vo * (1 - vo))
                    exact.di.append(dcTotal * vg * vi * (1 - vi))
                    exact.df.append(dcTotal * Double(cPrevious[j]) * vf * (1 - vf))
                    exact.dg.append(dcTotal * vi * (1 - vg * vg))
                    exact.dc.append(dcTotal * vf)
                }
                Self.expectCellClose(di, exact.di, "di", isa: isa, n: n)
                Self.expectCellClose(df, exact.df, "df", isa: isa, n: n)
                Self.expectCellClose(dg, exact.dg, "dg", isa: isa, n: n)
                Self.expectCellClose(dO, exact.dO, "do", isa: isa, n: n)
                Self.expectCellClose(dc, exact.dc, "dc", isa: isa, n: n)
                #expect(dhNext.allSatisfy { $0 == 0 }, "dh_next is cleared on \(Self.name(isa)), n = \(n)")
            }
        }
    }

    @Test func gruCellForwardMatchesItsEquations() {
        Self.forEachISA { isa in
            for n in Self.cellSizes {
                var r = Self.pseudoRandom(count: n, scale: 8, seed: 21), z = Self.pseudoRandom(count: n, scale: 8, seed: 22)
                var candidate = Self.pseudoRandom(count: n, scale: 6, seed: 23)
                let ghR = Self.pseudoRandom(count: n, scale: 3, seed: 24), ghZ = Self.pseudoRandom(count: n, scale: 3, seed: 25)
                let ghN = Self.pseudoRandom(count: n, scale: 3, seed: 26), hPrevious = Self.pseudoRandom(count: n, scale: 1, seed: 27)
                let (r0, z0, n0) = (r, z, candidate)
                var h = [Float](repeating: .nan, count: n)
                rk_gru_cell_forward_isa(isa, &r, &z, &candidate, ghR, ghZ, ghN, hPrevious, &h, n)

                let sr = (0..<n).map { Self.sigmoid(Double(r0[$0]) + Double(ghR[$0])) }
                let sz = (0..<n).map { Self.sigmoid(Double(z0[$0]) + Double(ghZ[$0])) }
                // n and h from the computed r and n, so that their rounding is not counted twice.
                let tn = (0..<n).map { Foundation.tanh(Double(n0[$0]) + Double(r[$0]) * Double(ghN[$0])) }
                let exactH = (0..<n).map { (1 - Double(z[$0])) * Double(candidate[$0]) + Double(z[$0]) * Double(hPrevious[$0]) }
                Self.expectCellClose(r, sr, "r", isa: isa, n: n)
                Self.expectCellClose(z, sz, "z", isa: isa, n: n)
                Self.expectCellClose(candidate, tn, "n", isa: isa, n: n)
                Self.expectCellClose(h, exactH, "h", isa: isa, n: n)
            }
        }
    }

    @Test func gruCellBackwardMatchesItsEquations() {
        Self.forEachISA { isa in
            for n in Self.cellSizes {
                let r = Self.pseudoRandom(count: n, scale: 1, seed: 31).map { 0.5 + 0.49 * $0 }
                let z = Self.pseudoRandom(count: n, scale: 1, seed: 32).map { 0.5 + 0.49 * $0 }
                let candidate = Self.pseudoRandom(count: n, scale: 0.99, seed: 33)
                let ghN = Self.pseudoRandom(count: n, scale: 3, seed: 34), hPrevious = Self.pseudoRandom(count: n, scale: 1, seed: 35)
                let dOutput = Self.pseudoRandom(count: n, scale: 1, seed: 36)
                var dhNext = Self.pseudoRandom(count: n, scale: 1, seed: 37)
                let dh0 = dhNext
                var dgiR = [Float](repeating: .nan, count: n), dgiZ = dgiR, dgiN = dgiR, dghR = dgiR, dghZ = dgiR, dghN = dgiR
                rk_gru_cell_backward_isa(isa, r, z, candidate, ghN, hPrevious, dOutput, &dhNext, &dgiR, &dgiZ, &dgiN, &dghR, &dghZ,
                                         &dghN, n)

                var exact = (dr: [Double](), dz: [Double](), dn: [Double](), dghN: [Double](), dhNext: [Double]())
                for j in 0..<n {
                    let (vr, vz, vn) = (Double(r[j]), Double(z[j]), Double(candidate[j]))
                    let dh = Double(dOutput[j]) + Double(dh0[j])
                    let dn = dh * (1 - vz) * (1 - vn * vn)
                    exact.dn.append(dn)
                    exact.dz.append(dh * (Double(hPrevious[j]) - vn) * vz * (1 - vz))
                    exact.dr.append(dn * Double(ghN[j]) * vr * (1 - vr))
                    exact.dghN.append(dn * vr)
                    exact.dhNext.append(dh * vz)
                }
                Self.expectCellClose(dgiR, exact.dr, "dgi_r", isa: isa, n: n)
                Self.expectCellClose(dghR, exact.dr, "dgh_r", isa: isa, n: n)
                Self.expectCellClose(dgiZ, exact.dz, "dgi_z", isa: isa, n: n)
                Self.expectCellClose(dghZ, exact.dz, "dgh_z", isa: isa, n: n)
                Self.expectCellClose(dgiN, exact.dn, "dgi_n", isa: isa, n: n)
                Self.expectCellClose(dghN, exact.dghN, "dgh_n", isa: isa, n: n)
                Self.expectCellClose(dhNext, exact.dhNext, "dh_next", isa: isa, n: n)
            }
        }
    }
}
