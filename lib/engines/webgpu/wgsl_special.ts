/**
 * The rest of vect-math in WGSL, which has no double to borrow precision from: float32
 * algorithms that keep their relative accuracy (tests/elementwise/accuracy_test.ts measures
 * them, and FEATURES.md has the table). The polynomials are least-squares fits for relative
 * error made by `tools/fit_special.py`. No algorithm leans on an error-free sum or a fused fma:
 * llvmpipe fuses no fma, and a compiler that reassociates turns (a + b) − a into b. NaN in,
 * NaN out, as everywhere in WGSL here.
 *
 * @module
 */

/** erf_small: powers of (u − 0.5) on [0.0, 1.0], worst 1.07 ulp in float32 */
const ERF_SMALL = [
  0.9654687643051147,
  -0.2810721695423126,
  0.07940998673439026,
  -0.018283884972333908,
  0.0034802742302417755,
  -0.0005611784290522337,
  7.829711103113368e-05,
  -9.673488420958165e-06,
  1.0557123459875584e-06,
];
/** erfcx_a: powers of (u − 0.75) on [0.5, 1.0], worst 1.71 ulp in float32 */
const ERFCX_A = [
  0.5069376230239868,
  -0.3679727017879486,
  0.23095813393592834,
  -0.1298360675573349,
  0.0667906105518341,
  -0.03189724683761597,
  0.014286201447248459,
  -0.006051315926015377,
  0.0024923812597990036,
  -0.0009519296581856906,
];
/** erfcx_b: powers of (u − 1.5) on [1.0, 2.0], worst 0.73 ulp in float32 */
const ERFCX_B = [
  0.32158541679382324,
  -0.1636229157447815,
  0.076151043176651,
  -0.03293090686202049,
  0.013377337716519833,
  -0.005145958624780178,
  0.001886193873360753,
  -0.0006619298947043717,
  0.00022285488375928253,
  -7.259665289893746e-05,
  2.4469405616400763e-05,
  -7.33698516341974e-06,
];
/** erfcx_c: powers of (u − 3.0) on [2.0, 4.0], worst 0.83 ulp in float32 */
const ERFCX_C = [
  0.17900115251541138,
  -0.054372258484363556,
  0.01588437147438526,
  -0.004479430615901947,
  0.0012230321299284697,
  -0.0003241260419599712,
  8.358358172699809e-05,
  -2.0991357814637013e-05,
  5.0900007408927195e-06,
  -1.2255414958417532e-06,
  3.3828749224085186e-07,
  -7.55960769538433e-08,
];
/** lgamma1: powers of (u − 0.0) on [-0.5, 0.5], worst 2.45 ulp in float32 */
const LGAMMA1 = [
  -0.5772156715393066,
  0.822467029094696,
  -0.400685578584671,
  0.27057963609695435,
  -0.2073877602815628,
  0.16960802674293518,
  -0.14401862025260925,
  0.12454499304294586,
  -0.11132735013961792,
  0.10928734391927719,
  -0.09433888643980026,
  0.0381925106048584,
  -0.04964489862322807,
  0.17505839467048645,
  -0.14697767794132233,
];
/** lgamma2: powers of (u − 0.0) on [-0.5, 0.5], worst 1.19 ulp in float32 */
const LGAMMA2 = [
  0.42278432846069336,
  0.32246702909469604,
  -0.0673523023724556,
  0.02058080956339836,
  -0.007385552395135164,
  0.002890495816245675,
  -0.0011927267769351602,
  0.0005098656401969492,
  -0.00022340394207276404,
  9.817065438255668e-05,
  -4.376519791549072e-05,
  2.448421400913503e-05,
  -1.204232557938667e-05,
];
/** gamma1: powers of (u − 0.5) on [0.0, 1.0], worst 1.11 ulp in float32 */
const GAMMA1 = [
  0.8862269520759583,
  0.032338403165340424,
  0.41481369733810425,
  -0.10729523748159409,
  0.14463400840759277,
  -0.07750935107469559,
  0.058801911771297455,
  -0.03818603232502937,
  0.024399610236287117,
  -0.01603727787733078,
  0.016316385939717293,
  -0.011217410676181316,
];

/** atan_small: powers of (u − 0.0858) on [0.0, 0.1716], worst 0.78 ulp in float32 */
const ATAN_SMALL = [
  0.9727877378463745,
  -0.30191025137901306,
  0.1676187515258789,
  -0.1105571985244751,
  0.07932530343532562,
  -0.0598435141146183,
  0.04712647572159767,
  -0.03766349330544472,
];

/** c₀ + u·(c₁ + u·(…)) as WGSL. */
const horner = (c: readonly number[], u: string): string =>
  c.slice(0, -1).reduceRight(
    (acc, k) => `(f32(${k}) + ${u} * ${acc})`,
    `f32(${c[c.length - 1]})`,
  );

/** Whether WGSL source calls a function of this module (only those kernels link it). */
export const usesSpecial = (src: string): boolean =>
  /\b(tan|asin|acos|atan|atan2|sinh|cosh|asinh|acosh|atanh|cbrt|log10|hypot|fmod|frem|trunc|frac|erf|erfc|erfInv|erfcInv|cdfNorm|gamma|lgamma|copysign)_\(/
    .test(src);

/** The WGSL functions; they use the helpers of wgsl.ts (isnan_, keep_, nan_, log_, …). */
export const specialWgsl = `
const PI_: f32 = 3.14159265358979;
const LN2_: f32 = 0.693147180559945;
fn isinf_(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
fn neg_(x: f32) -> bool { return (bitcast<u32>(x) >> 31u) == 1u; }
fn copysign_(a: f32, b: f32) -> f32 {
  return bitcast<f32>((bitcast<u32>(a) & 0x7fffffffu) | (bitcast<u32>(b) & 0x80000000u));
}
fn tan_(x: f32) -> f32 {
  if (isnan_(x) || isinf_(x)) { return nan_(x); }
  if (abs(x) > 8192.0) { return tan(x); }
  let rk = halfPi_(x);
  let s = sinPoly_(rk.x);
  let c = cosPoly_(rk.x);
  return select(s / c, -c / s, (i32(rk.y) & 1) == 1);
}
// e^x by Cody and Waite's reduction to |r| ≤ ln2/2: llvmpipe's exp loses digits in proportion
// to |x| (40 ulp at 48), which sinh, cosh and the erfc tail would inherit.
fn expx_(x: f32) -> f32 {
  if (isnan_(x)) { return x; }
  if (x > 88.8) { return inf_(x); }
  if (x < -104.0) { return 0.0; }
  let n = round(x * 1.44269504088896);
  let r = (x - n * 0.693359375) - n * -2.12194440e-4;
  let e = 1.0 + expm1_(r);
  let k = i32(n);
  return ldexp(ldexp(e, k / 2), k - k / 2);
}
// atan for a ≥ 0, reduced to |t| ≤ tan(π/8): Mesa's lowering of atan is off by hundreds of ulp.
fn atanPos_(a: f32) -> f32 {
  if (a > 2.41421356) {
    let t = 1.0 / a;
    let u = t * t - 0.0858;
    return (1.57079637 - t * ${horner(ATAN_SMALL, "u")}) + -4.37113883e-8;
  }
  if (a > 0.41421356) {
    let t = (a - 1.0) / (a + 1.0);
    let u = t * t - 0.0858;
    return (0.785398185 + t * ${horner(ATAN_SMALL, "u")}) + -2.18556941e-8;
  }
  let u = a * a - 0.0858;
  return a * ${horner(ATAN_SMALL, "u")};
}
fn atan_(x: f32) -> f32 { return keep_(copysign_(atanPos_(abs(x)), x), x); }
fn asin_(x: f32) -> f32 {
  let a = abs(x);
  if (isnan_(x) || a > 1.0) { return nan_(x); }
  return copysign_(atanPos_(a / sqrt((1.0 - a) * (1.0 + a))), x);
}
fn acos_(x: f32) -> f32 {
  if (isnan_(x) || abs(x) > 1.0) { return nan_(x); }
  return 2.0 * atanPos_(sqrt((1.0 - x) / (1.0 + x)));
}
fn atan2_(y: f32, x: f32) -> f32 {
  if (isnan_(x) || isnan_(y)) { return nan_(x + y); }
  let ay = abs(y);
  let ax = abs(x);
  var t = atanPos_(ay / ax);
  if (ax == 0.0 && ay == 0.0) { t = 0.0; }
  if (isinf_(ax) && isinf_(ay)) { t = 0.785398163; }
  if (neg_(x)) { t = (3.14159274 - t) + -8.74227766e-8; }
  return copysign_(t, y);
}
fn sinh_(x: f32) -> f32 {
  let a = abs(x);
  if (a < 1.0) { let e = expm1_(a); return keep_(copysign_(0.5 * (e + e / (e + 1.0)), x), x); }
  let h = expx_(0.5 * a);
  return keep_(copysign_(h * (0.5 * h) - 0.5 / (h * h), x), x);
}
fn cosh_(x: f32) -> f32 {
  let a = abs(x);
  if (a < 1.0) { let e = expm1_(a); return keep_(1.0 + e * e / (2.0 * (e + 1.0)), x); }
  let h = expx_(0.5 * a);
  return keep_(h * (0.5 * h) + 0.5 / (h * h), x);
}
fn asinh_(x: f32) -> f32 {
  let a = abs(x);
  var r = log1p_(a + a * a / (1.0 + sqrt(1.0 + a * a)));
  if (a > 4096.0) { r = log_(a) + LN2_; }
  return keep_(copysign_(r, x), x);
}
fn acosh_(x: f32) -> f32 {
  if (isnan_(x) || x < 1.0) { return nan_(x); }
  if (x > 4096.0) { return log_(x) + LN2_; }
  let t = x - 1.0;
  return log1p_(t + sqrt(2.0 * t + t * t));
}
fn atanh_(x: f32) -> f32 {
  let a = abs(x);
  if (isnan_(x) || a > 1.0) { return nan_(x); }
  return copysign_(0.5 * log1p_(2.0 * a / (1.0 - a)), x);
}
fn cbrt_(x: f32) -> f32 {
  let a = abs(x);
  if (isnan_(x) || a == 0.0 || isinf_(x)) { return x; }
  var y = exp2(log2(a) / 3.0);
  y = y + (a / (y * y) - y) / 3.0;
  return copysign_(y, x);
}
fn log10_(x: f32) -> f32 {
  if (abs(x - 1.0) < 0.5) { return log1p_(x - 1.0) * 0.434294481903252; }
  return log_(x) * 0.434294481903252;
}
fn hypot_(a: f32, b: f32) -> f32 {
  if (isinf_(a) || isinf_(b)) { return inf_(a); }
  if (isnan_(a) || isnan_(b)) { return nan_(a + b); }
  let m = max(abs(a), abs(b));
  if (m == 0.0) { return 0.0; }
  let r = min(abs(a), abs(b)) / m;
  return m * sqrt(1.0 + r * r);
}
// d·2ᵏ for k up to the widest exponent gap: ldexp's exponent is kept under 128 at each step.
fn scale2_(d: f32, k: i32) -> f32 {
  var s = d;
  var e = k;
  while (e > 100) { s = ldexp(s, 100); e = e - 100; }
  return ldexp(s, e);
}
// C's fmod, exact: the largest d·2ᵏ that fits is taken off until less than d is left.
fn fmod_(a: f32, b: f32) -> f32 {
  if (isnan_(a) || isnan_(b) || isinf_(a) || b == 0.0) { return nan_(a + b); }
  if (isinf_(b)) { return a; }
  var r = abs(a);
  let d = abs(b);
  for (var i = 0; i < 300; i++) {
    if (r < d) { break; }
    let k = frexp(r).exp - frexp(d).exp;
    var s = scale2_(d, k);
    if (s > r) { s = scale2_(d, k - 1); }
    r = r - s;
  }
  return copysign_(r, a);
}
// IEEE's remainder: fmod by 2|b| keeps the quotient's parity, then at most two steps of |b|.
fn frem_(a: f32, b: f32) -> f32 {
  if (isnan_(a) || isnan_(b) || isinf_(a) || b == 0.0) { return nan_(a + b); }
  if (isinf_(b)) { return a; }
  let p = abs(b);
  var r = abs(a);
  if (p < 1.7e38) { r = abs(fmod_(r, 2.0 * p)); }
  if (r + r > p) {
    r = r - p;
    if (r + r >= p) { r = r - p; }
  }
  if (r == 0.0) { return copysign_(0.0, a); }
  return select(r, -r, neg_(a));
}
fn trunc_(x: f32) -> f32 { return keep_(trunc(x), x); }
fn frac_(x: f32) -> f32 {
  if (isinf_(x)) { return copysign_(0.0, x); }
  return keep_(copysign_(x - trunc(x), x), x);
}
// e^(−a²) with a² split in two: the top 12 bits square exactly.
fn expnegsq_(a: f32) -> f32 {
  let hi = bitcast<f32>(bitcast<u32>(a) & 0xfffff000u);
  let lo = a - hi;
  return expx_(-hi * hi) * expx_(-lo * (2.0 * hi + lo));
}
// e^(a²)·erfc(a) for a ≥ 0.5: fits to 4, the continued fraction (backwards) beyond.
fn erfcx_(a: f32) -> f32 {
  if (a < 1.0) { let u = a - 0.75; return ${horner(ERFCX_A, "u")}; }
  if (a < 2.0) { let u = a - 1.5; return ${horner(ERFCX_B, "u")}; }
  if (a < 4.0) { let u = a - 3.0; return ${horner(ERFCX_C, "u")}; }
  var t = a;
  for (var n = 12; n >= 1; n--) { t = a + f32(n) * 0.5 / t; }
  return 1.0 / (t * 1.77245385090552);
}
fn erf_(x: f32) -> f32 {
  if (isnan_(x)) { return x; }
  let a = abs(x);
  if (a < 1.0) { let u = a * a - 0.5; return x * ${horner(ERF_SMALL, "u")}; }
  if (a > 10.0) { return copysign_(1.0, x); }
  return copysign_(1.0 - expnegsq_(a) * erfcx_(a), x);
}
fn erfc_(x: f32) -> f32 {
  if (isnan_(x)) { return x; }
  if (x < 0.5) { return 1.0 - erf_(x); }
  if (x > 10.1) { return 0.0; }
  return expnegsq_(x) * erfcx_(x);
}
// Φ(x) = erfc(z)/2 with z = −x/√2. In the tail erfc(z) = e^(−z²)·erfcx(z), and e^(−z²) =
// e^(−x²/2) is taken from x split in two (the top half squares exactly): a rounded z would be
// magnified by 2z² there, and no error-free sum survives a compiler that reassociates.
fn cdfNorm_(x: f32) -> f32 {
  if (isnan_(x)) { return x; }
  let z = x * -0.707106781186548;
  if (z < 0.5) { return 0.5 * erfc_(z); }
  if (z > 10.1) { return 0.0; }
  let xh = bitcast<f32>(bitcast<u32>(x) & 0xfffff000u);
  let xl = x - xh;
  let e = expx_(-0.5 * (xh * xh)) * expx_(-0.5 * xl * (2.0 * xh + xl));
  return 0.5 * e * erfcx_(z);
}
fn erfinvHalf_(y: f32) -> f32 {
  var x = 0.886226925452758 * y * (1.0 + 0.261799387799149 * y * y);
  for (var i = 0; i < 3; i++) {
    let f = erf_(x) - y;
    let df = 1.12837916709551 * expnegsq_(abs(x));
    x = x - f / (df * (1.0 + x * f / df));
  }
  return x;
}
fn erfcInv_(q: f32) -> f32 {
  if (isnan_(q) || q < 0.0 || q > 2.0) { return nan_(q); }
  if (q == 0.0) { return inf_(q); }
  if (q == 2.0) { return -inf_(q); }
  var s = 1.0;
  var r = q;
  if (r > 1.0) { r = 2.0 - r; s = -1.0; }
  if (r >= 0.5) { return s * erfinvHalf_(1.0 - r); }
  // Newton's method on log erfc(x) − log r.
  let lq = log(r);
  var x = sqrt(-lq);
  x = sqrt(max(-log(r * 1.77245385090552 * x), 0.25));
  for (var i = 0; i < 6; i++) {
    var h: f32;
    var d: f32;
    if (x < 0.5) {
      let e = erfc_(x);
      h = log(e) - lq;
      d = -1.12837916709551 * expnegsq_(x) / e;
    } else {
      let ex = erfcx_(x);
      h = -x * x + log(ex) - lq;
      d = -1.12837916709551 / ex;
    }
    x = x - h / d;
  }
  return s * x;
}
fn erfInv_(y: f32) -> f32 {
  if (isnan_(y) || abs(y) > 1.0) { return nan_(y); }
  if (abs(y) <= 0.5) { return erfinvHalf_(y); }
  return copysign_(erfcInv_(1.0 - abs(y)), y);
}
// sin(πx), the argument reduced exactly.
fn sinpi_(x: f32) -> f32 {
  let r = x - 2.0 * round(0.5 * x);
  var a = abs(r);
  if (a > 0.5) { a = 1.0 - a; }
  return copysign_(sin_(PI_ * a), r);
}
fn gamma_(x: f32) -> f32 {
  if (isnan_(x)) { return x; }
  if (x == 0.0) { return copysign_(inf_(x), x); }
  if (isinf_(x)) { return select(nan_(x), x, x > 0.0); }
  if (x < 0.0 && trunc(x) == x) { return nan_(x); }
  if (x > 35.1) { return inf_(x); }
  let n = floor(x);
  let z = x - n;
  let u = z - 0.5;
  let g = ${horner(GAMMA1, "u")};
  // Γ(x) = Γ(1 + z)·(z + 1)…(z + n − 1), or Γ(1 + z)/(x(x + 1)…z) below 1. The product keeps
  // its rounding in a second word where fma is fused; where it is not, the low word stays
  // near 0 and the recurrence's roundings add up (3.5 ulp at most on llvmpipe, 35 factors).
  var ph = 1.0;
  var pl = 0.0;
  if (n >= 1.0) {
    for (var k = 1.0; k < n; k = k + 1.0) {
      let v = z + k;
      let h = ph * v;
      pl = fma(ph, v, -h) + pl * v;
      ph = h;
    }
    return g * ph + g * pl;
  }
  for (var k = 0.0; k < 1.0 - n && k < 60.0; k = k + 1.0) {
    let v = x + k;
    let h = ph * v;
    pl = fma(ph, v, -h) + pl * v;
    ph = h;
  }
  return g / ph * (1.0 - pl / ph);
}
fn lgammaPos_(x: f32) -> f32 {
  if (x < 0.5) { let u = x; return x * ${horner(LGAMMA1, "u")} - log(x); }
  if (x < 1.5) {
    let u = x - 1.0;
    // lgamma(1) is +0; u times the negative series would make it −0.
    if (u == 0.0) { return 0.0; }
    return u * ${horner(LGAMMA1, "u")};
  }
  if (x < 2.5) { let u = x - 2.0; return u * ${horner(LGAMMA2, "u")}; }
  if (x < 8.0) {
    var p = 1.0;
    var y = x;
    while (y >= 2.5) { y = y - 1.0; p = p * y; }
    let u = y - 2.0;
    return log(p) + u * ${horner(LGAMMA2, "u")};
  }
  if (isinf_(x)) { return x; }
  let r = 1.0 / x;
  let r2 = r * r;
  let l = log(x);
  let s = r * (0.0833333333333333 + r2 * (-0.00277777777777778 + r2 * (0.000793650793650794 +
    r2 * -0.000595238095238095)));
  return x * (l - 1.0) - 0.5 * l + 0.918938533204673 + s;
}
fn lgamma_(x: f32) -> f32 {
  if (isnan_(x)) { return x; }
  if (isinf_(x)) { return inf_(x); }
  if (x <= 0.0 && trunc(x) == x) { return inf_(x); }
  if (x < 0.0) { return log(PI_ / abs(sinpi_(x))) - lgammaPos_(1.0 - x); }
  return lgammaPos_(x);
}
`;
