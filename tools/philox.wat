;; Philox4x32-10 uniform fills for the js engine (lib/engines/js/philox_wasm.ts): the rounds of
;; lib/engines/kernels/random.ts with 64-bit products for mulhi, and the uniform draw of
;; lib/engines/js/philox.ts in f64, stored as f32 (demote: round to nearest even, as a
;; Float32Array store) or f64. Assemble with `deno run -A tools/philox_wasm.ts`.
(module
  (memory (export "memory") 16)
  ;; Entries 4b … 4b+3 of blocks b = 0 … blocks-1, counter (chi:clo) + b, key (k0, k1), each
  ;; max(first, min(last, lo + scale · (r + 0.5) / 2³²)), written from address 0.
  (func (export "uniform")
    (param $clo i32) (param $chi i32) (param $k0 i32) (param $k1 i32) (param $blocks i32)
    (param $lo f64) (param $scale f64) (param $first f64) (param $last f64) (param $wide i32)
    (local $b i32) (local $c i64) (local $c0 i32) (local $c1 i32) (local $c2 i32) (local $c3 i32)
    (local $key0 i32) (local $key1 i32) (local $r i32) (local $p i64) (local $q i64)
    (local $t i32) (local $lane i32) (local $v f64) (local $at i32)
    (local.set $c (i64.or (i64.shl (i64.extend_i32_u (local.get $chi)) (i64.const 32))
                          (i64.extend_i32_u (local.get $clo))))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $b) (local.get $blocks)))
        (local.set $c0 (i32.wrap_i64 (local.get $c)))
        (local.set $c1 (i32.wrap_i64 (i64.shr_u (local.get $c) (i64.const 32))))
        (local.set $c2 (i32.const 0))
        (local.set $c3 (i32.const 0))
        (local.set $key0 (local.get $k0))
        (local.set $key1 (local.get $k1))
        (local.set $r (i32.const 0))
        (loop $rounds
          (local.set $p (i64.mul (i64.const 0xD2511F53) (i64.extend_i32_u (local.get $c0))))
          (local.set $q (i64.mul (i64.const 0xCD9E8D57) (i64.extend_i32_u (local.get $c2))))
          (local.set $t (i32.xor (i32.xor (i32.wrap_i64 (i64.shr_u (local.get $q) (i64.const 32)))
                                          (local.get $c1))
                                 (local.get $key0)))
          (local.set $c1 (i32.wrap_i64 (local.get $q)))
          (local.set $c2 (i32.xor (i32.xor (i32.wrap_i64 (i64.shr_u (local.get $p) (i64.const 32)))
                                           (local.get $c3))
                                  (local.get $key1)))
          (local.set $c3 (i32.wrap_i64 (local.get $p)))
          (local.set $c0 (local.get $t))
          (local.set $key0 (i32.add (local.get $key0) (i32.const 0x9E3779B9)))
          (local.set $key1 (i32.add (local.get $key1) (i32.const 0xBB67AE85)))
          (local.set $r (i32.add (local.get $r) (i32.const 1)))
          (br_if $rounds (i32.lt_u (local.get $r) (i32.const 10))))
        (local.set $lane (i32.const 0))
        (loop $lanes
          (local.set $t
            (if (result i32) (i32.eq (local.get $lane) (i32.const 0))
              (then (local.get $c0))
              (else (if (result i32) (i32.eq (local.get $lane) (i32.const 1))
                (then (local.get $c1))
                (else (if (result i32) (i32.eq (local.get $lane) (i32.const 2))
                  (then (local.get $c2))
                  (else (local.get $c3))))))))
          (local.set $v
            (f64.max (local.get $first)
              (f64.min (local.get $last)
                (f64.add (local.get $lo)
                  (f64.mul (local.get $scale)
                    (f64.div (f64.add (f64.convert_i32_u (local.get $t)) (f64.const 0.5))
                             (f64.const 4294967296)))))))
          (local.set $at (i32.add (i32.shl (local.get $b) (i32.const 2)) (local.get $lane)))
          (if (local.get $wide)
            (then (f64.store (i32.shl (local.get $at) (i32.const 3)) (local.get $v)))
            (else (f32.store (i32.shl (local.get $at) (i32.const 2))
                             (f32.demote_f64 (local.get $v)))))
          (local.set $lane (i32.add (local.get $lane) (i32.const 1)))
          (br_if $lanes (i32.lt_u (local.get $lane) (i32.const 4))))
        (local.set $c (i64.add (local.get $c) (i64.const 1)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $blocks)))))
