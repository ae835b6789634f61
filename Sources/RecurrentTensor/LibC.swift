#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The C math library's scalar functions, for the few places that need them outside kernels.
@inlinable func cLog(_ x: Double) -> Double { log(x) }
@inlinable func cCos(_ x: Double) -> Double { cos(x) }
@inlinable func cExp(_ x: Double) -> Double { exp(x) }
@inlinable func cLogf(_ x: Float) -> Float { logf(x) }
@inlinable func cExpf(_ x: Float) -> Float { expf(x) }
@inlinable func cTanhf(_ x: Float) -> Float { tanhf(x) }
@inlinable func cPowf(_ x: Float, _ y: Float) -> Float { powf(x, y) }
