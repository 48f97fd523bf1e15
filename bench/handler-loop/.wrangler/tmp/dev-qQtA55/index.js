var __defProp = Object.defineProperty;
var __name = (target, value) => __defProp(target, "name", { value, configurable: true });

// ../../worker/build/index.js
import { WorkerEntrypoint as Se } from "cloudflare:workers";
import ne from "./dccd586a72150ccb5b9361a46aeb2e3bb3c76ca0-index_bg.wasm";
var Z = globalThis.__worker_init_state = { criticalError: false, instanceId: 0 };
var j = class {
  static {
    __name(this, "j");
  }
  __destroy_into_raw() {
    let e = this.__wbg_ptr;
    return this.__wbg_ptr = 0, ve.unregister(this), e;
  }
  free() {
    let e = this.__destroy_into_raw();
    c();
    try {
      i.__wbg_containerstartupoptions_free(e, 0);
    } catch (t) {
      o(t);
    }
  }
  get enableInternet() {
    if (this.__wbg_inst !== void 0 && this.__wbg_inst !== a) throw new Error("Invalid stale object from previous Wasm instance");
    let e;
    c();
    try {
      e = i.__wbg_get_containerstartupoptions_enableInternet(this.__wbg_ptr);
    } catch (t) {
      o(t);
    }
    return e === 16777215 ? void 0 : e !== 0;
  }
  get entrypoint() {
    if (this.__wbg_inst !== void 0 && this.__wbg_inst !== a) throw new Error("Invalid stale object from previous Wasm instance");
    let e;
    c();
    try {
      e = i.__wbg_get_containerstartupoptions_entrypoint(this.__wbg_ptr);
    } catch (n) {
      o(n);
    }
    var t = Fe(e[0], e[1]);
    return i.__wbindgen_free(e[0], e[1] * 4, 4), t;
  }
  get env() {
    if (this.__wbg_inst !== void 0 && this.__wbg_inst !== a) throw new Error("Invalid stale object from previous Wasm instance");
    let e;
    c();
    try {
      e = i.__wbg_get_containerstartupoptions_env(this.__wbg_ptr);
    } catch (t) {
      o(t);
    }
    return e;
  }
  set enableInternet(e) {
    if (this.__wbg_inst !== void 0 && this.__wbg_inst !== a) throw new Error("Invalid stale object from previous Wasm instance");
    c();
    try {
      i.__wbg_set_containerstartupoptions_enableInternet(this.__wbg_ptr, f(e) ? 16777215 : e ? 1 : 0);
    } catch (t) {
      o(t);
    }
  }
  set entrypoint(e) {
    if (this.__wbg_inst !== void 0 && this.__wbg_inst !== a) throw new Error("Invalid stale object from previous Wasm instance");
    let t = je(e, i.__wbindgen_malloc), n = g;
    c();
    try {
      i.__wbg_set_containerstartupoptions_entrypoint(this.__wbg_ptr, t, n);
    } catch (_) {
      o(_);
    }
  }
  set env(e) {
    if (this.__wbg_inst !== void 0 && this.__wbg_inst !== a) throw new Error("Invalid stale object from previous Wasm instance");
    c();
    try {
      i.__wbg_set_containerstartupoptions_env(this.__wbg_ptr, e);
    } catch (t) {
      o(t);
    }
  }
};
Symbol.dispose && (j.prototype[Symbol.dispose] = j.prototype.free);
var z = class {
  static {
    __name(this, "z");
  }
  __destroy_into_raw() {
    let e = this.__wbg_ptr;
    return this.__wbg_ptr = 0, xe.unregister(this), e;
  }
  free() {
    let e = this.__destroy_into_raw();
    c();
    try {
      i.__wbg_intounderlyingbytesource_free(e, 0);
    } catch (t) {
      o(t);
    }
  }
  get autoAllocateChunkSize() {
    if (this.__wbg_inst !== void 0 && this.__wbg_inst !== a) throw new Error("Invalid stale object from previous Wasm instance");
    let e;
    c();
    try {
      e = i.intounderlyingbytesource_autoAllocateChunkSize(this.__wbg_ptr);
    } catch (t) {
      o(t);
    }
    return e >>> 0;
  }
  cancel() {
    if (this.__wbg_inst !== void 0 && this.__wbg_inst !== a) throw new Error("Invalid stale object from previous Wasm instance");
    let e = this.__destroy_into_raw();
    c();
    try {
      i.intounderlyingbytesource_cancel(e);
    } catch (t) {
      o(t);
    }
  }
  pull(e) {
    if (this.__wbg_inst !== void 0 && this.__wbg_inst !== a) throw new Error("Invalid stale object from previous Wasm instance");
    let t;
    c();
    try {
      t = i.intounderlyingbytesource_pull(this.__wbg_ptr, e);
    } catch (n) {
      o(n);
    }
    return t;
  }
  start(e) {
    if (this.__wbg_inst !== void 0 && this.__wbg_inst !== a) throw new Error("Invalid stale object from previous Wasm instance");
    c();
    try {
      i.intounderlyingbytesource_start(this.__wbg_ptr, e);
    } catch (t) {
      o(t);
    }
  }
  get type() {
    if (this.__wbg_inst !== void 0 && this.__wbg_inst !== a) throw new Error("Invalid stale object from previous Wasm instance");
    let e;
    c();
    try {
      e = i.intounderlyingbytesource_type(this.__wbg_ptr);
    } catch (t) {
      o(t);
    }
    return ye[e];
  }
};
Symbol.dispose && (z.prototype[Symbol.dispose] = z.prototype.free);
var M = class {
  static {
    __name(this, "M");
  }
  __destroy_into_raw() {
    let e = this.__wbg_ptr;
    return this.__wbg_ptr = 0, Ie.unregister(this), e;
  }
  free() {
    let e = this.__destroy_into_raw();
    c();
    try {
      i.__wbg_intounderlyingsink_free(e, 0);
    } catch (t) {
      o(t);
    }
  }
  abort(e) {
    if (this.__wbg_inst !== void 0 && this.__wbg_inst !== a) throw new Error("Invalid stale object from previous Wasm instance");
    let t = this.__destroy_into_raw(), n;
    c();
    try {
      n = i.intounderlyingsink_abort(t, e);
    } catch (_) {
      o(_);
    }
    return n;
  }
  close() {
    if (this.__wbg_inst !== void 0 && this.__wbg_inst !== a) throw new Error("Invalid stale object from previous Wasm instance");
    let e = this.__destroy_into_raw(), t;
    c();
    try {
      t = i.intounderlyingsink_close(e);
    } catch (n) {
      o(n);
    }
    return t;
  }
  write(e) {
    if (this.__wbg_inst !== void 0 && this.__wbg_inst !== a) throw new Error("Invalid stale object from previous Wasm instance");
    let t;
    c();
    try {
      t = i.intounderlyingsink_write(this.__wbg_ptr, e);
    } catch (n) {
      o(n);
    }
    return t;
  }
};
Symbol.dispose && (M.prototype[Symbol.dispose] = M.prototype.free);
var P = class {
  static {
    __name(this, "P");
  }
  __destroy_into_raw() {
    let e = this.__wbg_ptr;
    return this.__wbg_ptr = 0, Ee.unregister(this), e;
  }
  free() {
    let e = this.__destroy_into_raw();
    c();
    try {
      i.__wbg_intounderlyingsource_free(e, 0);
    } catch (t) {
      o(t);
    }
  }
  cancel() {
    if (this.__wbg_inst !== void 0 && this.__wbg_inst !== a) throw new Error("Invalid stale object from previous Wasm instance");
    let e = this.__destroy_into_raw();
    c();
    try {
      i.intounderlyingsource_cancel(e);
    } catch (t) {
      o(t);
    }
  }
  pull(e) {
    if (this.__wbg_inst !== void 0 && this.__wbg_inst !== a) throw new Error("Invalid stale object from previous Wasm instance");
    let t;
    c();
    try {
      t = i.intounderlyingsource_pull(this.__wbg_ptr, e);
    } catch (n) {
      o(n);
    }
    return t;
  }
};
Symbol.dispose && (P.prototype[Symbol.dispose] = P.prototype.free);
var R = class r {
  static {
    __name(this, "r");
  }
  static __wrap(e) {
    let t = Object.create(r.prototype);
    return t.__wbg_ptr = e, Object.defineProperty(t, "__wbg_inst", { value: a, writable: true }), ee.register(t, { ptr: e, instance: a }, t), t;
  }
  __destroy_into_raw() {
    let e = this.__wbg_ptr;
    return this.__wbg_ptr = 0, ee.unregister(this), e;
  }
  free() {
    let e = this.__destroy_into_raw();
    c();
    try {
      i.__wbg_minifyconfig_free(e, 0);
    } catch (t) {
      o(t);
    }
  }
  get css() {
    if (this.__wbg_inst !== void 0 && this.__wbg_inst !== a) throw new Error("Invalid stale object from previous Wasm instance");
    let e;
    c();
    try {
      e = i.__wbg_get_minifyconfig_css(this.__wbg_ptr);
    } catch (t) {
      o(t);
    }
    return e !== 0;
  }
  get html() {
    if (this.__wbg_inst !== void 0 && this.__wbg_inst !== a) throw new Error("Invalid stale object from previous Wasm instance");
    let e;
    c();
    try {
      e = i.__wbg_get_minifyconfig_html(this.__wbg_ptr);
    } catch (t) {
      o(t);
    }
    return e !== 0;
  }
  get js() {
    if (this.__wbg_inst !== void 0 && this.__wbg_inst !== a) throw new Error("Invalid stale object from previous Wasm instance");
    let e;
    c();
    try {
      e = i.__wbg_get_minifyconfig_js(this.__wbg_ptr);
    } catch (t) {
      o(t);
    }
    return e !== 0;
  }
  set css(e) {
    if (this.__wbg_inst !== void 0 && this.__wbg_inst !== a) throw new Error("Invalid stale object from previous Wasm instance");
    c();
    try {
      i.__wbg_set_minifyconfig_css(this.__wbg_ptr, e);
    } catch (t) {
      o(t);
    }
  }
  set html(e) {
    if (this.__wbg_inst !== void 0 && this.__wbg_inst !== a) throw new Error("Invalid stale object from previous Wasm instance");
    c();
    try {
      i.__wbg_set_minifyconfig_html(this.__wbg_ptr, e);
    } catch (t) {
      o(t);
    }
  }
  set js(e) {
    if (this.__wbg_inst !== void 0 && this.__wbg_inst !== a) throw new Error("Invalid stale object from previous Wasm instance");
    c();
    try {
      i.__wbg_set_minifyconfig_js(this.__wbg_ptr, e);
    } catch (t) {
      o(t);
    }
  }
};
Symbol.dispose && (R.prototype[Symbol.dispose] = R.prototype.free);
var k = class {
  static {
    __name(this, "k");
  }
  __destroy_into_raw() {
    let e = this.__wbg_ptr;
    return this.__wbg_ptr = 0, Re.unregister(this), e;
  }
  free() {
    let e = this.__destroy_into_raw();
    c();
    try {
      i.__wbg_r2range_free(e, 0);
    } catch (t) {
      o(t);
    }
  }
  get length() {
    if (this.__wbg_inst !== void 0 && this.__wbg_inst !== a) throw new Error("Invalid stale object from previous Wasm instance");
    let e;
    c();
    try {
      e = i.__wbg_get_r2range_length(this.__wbg_ptr);
    } catch (t) {
      o(t);
    }
    return e[0] === 0 ? void 0 : e[1];
  }
  get offset() {
    if (this.__wbg_inst !== void 0 && this.__wbg_inst !== a) throw new Error("Invalid stale object from previous Wasm instance");
    let e;
    c();
    try {
      e = i.__wbg_get_r2range_offset(this.__wbg_ptr);
    } catch (t) {
      o(t);
    }
    return e[0] === 0 ? void 0 : e[1];
  }
  get suffix() {
    if (this.__wbg_inst !== void 0 && this.__wbg_inst !== a) throw new Error("Invalid stale object from previous Wasm instance");
    let e;
    c();
    try {
      e = i.__wbg_get_r2range_suffix(this.__wbg_ptr);
    } catch (t) {
      o(t);
    }
    return e[0] === 0 ? void 0 : e[1];
  }
  set length(e) {
    if (this.__wbg_inst !== void 0 && this.__wbg_inst !== a) throw new Error("Invalid stale object from previous Wasm instance");
    c();
    try {
      i.__wbg_set_r2range_length(this.__wbg_ptr, !f(e), f(e) ? 0 : e);
    } catch (t) {
      o(t);
    }
  }
  set offset(e) {
    if (this.__wbg_inst !== void 0 && this.__wbg_inst !== a) throw new Error("Invalid stale object from previous Wasm instance");
    c();
    try {
      i.__wbg_set_r2range_offset(this.__wbg_ptr, !f(e), f(e) ? 0 : e);
    } catch (t) {
      o(t);
    }
  }
  set suffix(e) {
    if (this.__wbg_inst !== void 0 && this.__wbg_inst !== a) throw new Error("Invalid stale object from previous Wasm instance");
    c();
    try {
      i.__wbg_set_r2range_suffix(this.__wbg_ptr, !f(e), f(e) ? 0 : e);
    } catch (t) {
      o(t);
    }
  }
};
Symbol.dispose && (k.prototype[Symbol.dispose] = k.prototype.free);
function U() {
  a++, E = null, A = null, S = null, typeof numBytesDecoded < "u" && (numBytesDecoded = 0), typeof g < "u" && (g = 0), J = false, L = false, K = new WebAssembly.Instance(ne, ae()), i = K.exports, i.__wbindgen_start();
}
__name(U, "U");
function re() {
  let r2;
  c();
  try {
    r2 = i.__worker_init_state();
  } catch (e) {
    o(e);
  }
  return r2;
}
__name(re, "re");
function _e(r2, e, t, n, _, s) {
  let u = +(f(n) ? Number.MAX_SAFE_INTEGER : n >>> 0), d, l, m, I, p, N, O, B;
  try {
    d = y(e, i.__wbindgen_malloc, i.__wbindgen_realloc), l = g, m = y(t, i.__wbindgen_malloc, i.__wbindgen_realloc), I = g, p = y(_, i.__wbindgen_malloc, i.__wbindgen_realloc), N = g, O = f(s) ? 0 : y(s, i.__wbindgen_malloc, i.__wbindgen_realloc), B = g;
  } catch (D) {
    throw O && i.__wbindgen_free(O, B * 1, 1), p && i.__wbindgen_free(p, N * 1, 1), m && i.__wbindgen_free(m, I * 1, 1), d && i.__wbindgen_free(d, l * 1, 1), D;
  }
  let F;
  c();
  try {
    F = i.answerAtHand(r2, d, l, m, I, u, p, N, O, B);
  } catch (D) {
    o(D);
  }
  let Y;
  return F[0] !== 0 && (Y = b(F[0], F[1]), i.__wbindgen_free(F[0], F[1] * 1, 1)), Y;
}
__name(_e, "_e");
function ie(r2) {
  let e, t;
  try {
    let n = y(r2, i.__wbindgen_malloc, i.__wbindgen_realloc), _ = g, s;
    c();
    try {
      s = i.clickRows(n, _);
    } catch (u) {
      o(u);
    }
    return e = s[0], t = s[1], b(s[0], s[1]);
  } finally {
    c();
    try {
      i.__wbindgen_free(e, t, 1);
    } catch (n) {
      o(n);
    }
  }
}
__name(ie, "ie");
function oe(r2, e, t) {
  let n;
  c();
  try {
    n = i.fetch(r2, e, t);
  } catch (_) {
    o(_);
  }
  return n;
}
__name(oe, "oe");
function ce(r2, e, t) {
  let n;
  c();
  try {
    n = i.scheduled(r2, e, t);
  } catch (_) {
    o(_);
  }
  return n;
}
__name(ce, "ce");
function se(r2, e) {
  let t = y(e, i.__wbindgen_malloc, i.__wbindgen_realloc), n = g, _;
  c();
  try {
    _ = i.writeClick(r2, t, n);
  } catch (s) {
    o(s);
  }
  return _;
}
__name(se, "se");
function ae() {
  return { __proto__: null, "./index_bg.js": { __proto__: null, __wbg_Error_208446807d0d1e30: /* @__PURE__ */ __name(function(e, t) {
    return Error(b(e, t));
  }, "__wbg_Error_208446807d0d1e30"), __wbg_Number_ff192a72a0dcdf6d: /* @__PURE__ */ __name(function(e) {
    return Number(e);
  }, "__wbg_Number_ff192a72a0dcdf6d"), __wbg_String_8564e559799eccda: /* @__PURE__ */ __name(function(e, t) {
    let n = String(t), _ = y(n, i.__wbindgen_malloc, i.__wbindgen_realloc), s = g;
    w().setInt32((e >>> 0) + 4, s, true), w().setInt32((e >>> 0) + 0, _, true);
  }, "__wbg_String_8564e559799eccda"), __wbg___wbindgen_bigint_get_as_i64_11da4b52cd0aedef: /* @__PURE__ */ __name(function(e, t) {
    let n = t, _ = typeof n == "bigint" ? n : void 0;
    w().setBigInt64((e >>> 0) + 8, f(_) ? BigInt(0) : _, true), w().setInt32((e >>> 0) + 0, !f(_), true);
  }, "__wbg___wbindgen_bigint_get_as_i64_11da4b52cd0aedef"), __wbg___wbindgen_boolean_get_4f1baf9a00be3c74: /* @__PURE__ */ __name(function(e) {
    let t = e, n = typeof t == "boolean" ? t : void 0;
    return f(n) ? 16777215 : n ? 1 : 0;
  }, "__wbg___wbindgen_boolean_get_4f1baf9a00be3c74"), __wbg___wbindgen_debug_string_f249a2a76caa9a55: /* @__PURE__ */ __name(function(e, t) {
    let n = ue(t), _ = y(n, i.__wbindgen_malloc, i.__wbindgen_realloc), s = g;
    w().setInt32((e >>> 0) + 4, s, true), w().setInt32((e >>> 0) + 0, _, true);
  }, "__wbg___wbindgen_debug_string_f249a2a76caa9a55"), __wbg___wbindgen_in_3f58a9d3b3a7eed2: /* @__PURE__ */ __name(function(e, t) {
    return e in t;
  }, "__wbg___wbindgen_in_3f58a9d3b3a7eed2"), __wbg___wbindgen_is_bigint_5fa10641e039d3ef: /* @__PURE__ */ __name(function(e) {
    return typeof e == "bigint";
  }, "__wbg___wbindgen_is_bigint_5fa10641e039d3ef"), __wbg___wbindgen_is_function_741ff2bb612836f5: /* @__PURE__ */ __name(function(e) {
    return typeof e == "function";
  }, "__wbg___wbindgen_is_function_741ff2bb612836f5"), __wbg___wbindgen_is_null_or_undefined_fb96af93c75460ae: /* @__PURE__ */ __name(function(e) {
    return e == null;
  }, "__wbg___wbindgen_is_null_or_undefined_fb96af93c75460ae"), __wbg___wbindgen_is_object_8b968c3ab8e96595: /* @__PURE__ */ __name(function(e) {
    let t = e;
    return typeof t == "object" && t !== null;
  }, "__wbg___wbindgen_is_object_8b968c3ab8e96595"), __wbg___wbindgen_is_string_fc456fee5d3317de: /* @__PURE__ */ __name(function(e) {
    return typeof e == "string";
  }, "__wbg___wbindgen_is_string_fc456fee5d3317de"), __wbg___wbindgen_is_undefined_be5b34249ff1fc15: /* @__PURE__ */ __name(function(e) {
    return e === void 0;
  }, "__wbg___wbindgen_is_undefined_be5b34249ff1fc15"), __wbg___wbindgen_jsval_eq_38d7bfbe4cc84039: /* @__PURE__ */ __name(function(e, t) {
    return e === t;
  }, "__wbg___wbindgen_jsval_eq_38d7bfbe4cc84039"), __wbg___wbindgen_jsval_loose_eq_b2f214e2e4b30e36: /* @__PURE__ */ __name(function(e, t) {
    return e == t;
  }, "__wbg___wbindgen_jsval_loose_eq_b2f214e2e4b30e36"), __wbg___wbindgen_number_get_934b640d0889af78: /* @__PURE__ */ __name(function(e, t) {
    let n = t, _ = typeof n == "number" ? n : void 0;
    w().setFloat64((e >>> 0) + 8, f(_) ? 0 : _, true), w().setInt32((e >>> 0) + 0, !f(_), true);
  }, "__wbg___wbindgen_number_get_934b640d0889af78"), __wbg___wbindgen_reinit_2fe0d0b9c1cc3c21: /* @__PURE__ */ __name(function() {
    L = true;
  }, "__wbg___wbindgen_reinit_2fe0d0b9c1cc3c21"), __wbg___wbindgen_string_get_7ce8eee7fd327545: /* @__PURE__ */ __name(function(e, t) {
    let n = t, _ = typeof n == "string" ? n : void 0;
    var s = f(_) ? 0 : y(_, i.__wbindgen_malloc, i.__wbindgen_realloc), u = g;
    w().setInt32((e >>> 0) + 4, u, true), w().setInt32((e >>> 0) + 0, s, true);
  }, "__wbg___wbindgen_string_get_7ce8eee7fd327545"), __wbg___wbindgen_throw_4c88d8bf264fd984: /* @__PURE__ */ __name(function(e, t) {
    throw new WebAssembly.Exception(V, [new Error(b(e, t))]);
  }, "__wbg___wbindgen_throw_4c88d8bf264fd984"), __wbg__wbg_cb_unref_09736879a3f67559: /* @__PURE__ */ __name(function(e) {
    e._wbg_cb_unref();
  }, "__wbg__wbg_cb_unref_09736879a3f67559"), __wbg_all_d28c206485f72134: /* @__PURE__ */ __name(function(e) {
    return e.all();
  }, "__wbg_all_d28c206485f72134"), __wbg_append_ba9a4dc30a0323fd: /* @__PURE__ */ __name(function(e, t, n, _, s) {
    e.append(b(t, n), b(_, s));
  }, "__wbg_append_ba9a4dc30a0323fd"), __wbg_arrayBuffer_39a766224696fd9d: /* @__PURE__ */ __name(function(e) {
    return e.arrayBuffer();
  }, "__wbg_arrayBuffer_39a766224696fd9d"), __wbg_asn_94f62596af303687: /* @__PURE__ */ __name(function(e) {
    let t = e.asn;
    return f(t) ? Number.MAX_SAFE_INTEGER : t >>> 0;
  }, "__wbg_asn_94f62596af303687"), __wbg_batch_d54a0dc86c491bc6: /* @__PURE__ */ __name(function(e, t) {
    return e.batch(t);
  }, "__wbg_batch_d54a0dc86c491bc6"), __wbg_bind_0bf8b02f8e144a7d: /* @__PURE__ */ __name(function(e, t) {
    return e.bind(...t);
  }, "__wbg_bind_0bf8b02f8e144a7d"), __wbg_body_0da01a9a056907d8: /* @__PURE__ */ __name(function(e) {
    let t = e.body;
    return f(t) ? 0 : h(t);
  }, "__wbg_body_0da01a9a056907d8"), __wbg_buffer_aca05a93c046db1a: /* @__PURE__ */ __name(function(e) {
    return e.buffer;
  }, "__wbg_buffer_aca05a93c046db1a"), __wbg_byobRequest_18280c78e462544c: /* @__PURE__ */ __name(function(e) {
    let t = e.byobRequest;
    return f(t) ? 0 : h(t);
  }, "__wbg_byobRequest_18280c78e462544c"), __wbg_byteLength_c5f3c188d5252e5b: /* @__PURE__ */ __name(function(e) {
    return e.byteLength;
  }, "__wbg_byteLength_c5f3c188d5252e5b"), __wbg_byteOffset_63cdc7b38f33a45e: /* @__PURE__ */ __name(function(e) {
    return e.byteOffset;
  }, "__wbg_byteOffset_63cdc7b38f33a45e"), __wbg_call_40b008ba32f73991: /* @__PURE__ */ __name(function(e, t) {
    return e.call(t);
  }, "__wbg_call_40b008ba32f73991"), __wbg_call_a410eb4b59ed5965: /* @__PURE__ */ __name(function(e, t, n) {
    return e.call(t, n);
  }, "__wbg_call_a410eb4b59ed5965"), __wbg_call_fc92fee6137d452d: /* @__PURE__ */ __name(function(e, t, n, _) {
    return e.call(t, n, _);
  }, "__wbg_call_fc92fee6137d452d"), __wbg_cancel_b195250778e9d8e7: /* @__PURE__ */ __name(function(e) {
    return e.cancel();
  }, "__wbg_cancel_b195250778e9d8e7"), __wbg_catch_fd4c7ea14fde9d83: /* @__PURE__ */ __name(function(e, t) {
    return e.catch(t);
  }, "__wbg_catch_fd4c7ea14fde9d83"), __wbg_cause_4cdda1b55a30b227: /* @__PURE__ */ __name(function(e) {
    return e.cause;
  }, "__wbg_cause_4cdda1b55a30b227"), __wbg_cf_3eef96d446a499c0: /* @__PURE__ */ __name(function(e) {
    let t = e.cf;
    return f(t) ? 0 : h(t);
  }, "__wbg_cf_3eef96d446a499c0"), __wbg_cf_e4bf1d08e9961dec: /* @__PURE__ */ __name(function(e) {
    let t = e.cf;
    return f(t) ? 0 : h(t);
  }, "__wbg_cf_e4bf1d08e9961dec"), __wbg_close_294d3f727cb7a844: /* @__PURE__ */ __name(function(e) {
    e.close();
  }, "__wbg_close_294d3f727cb7a844"), __wbg_close_bf94aa7e38b9a94b: /* @__PURE__ */ __name(function(e) {
    e.close();
  }, "__wbg_close_bf94aa7e38b9a94b"), __wbg_constructor_76ad3e2c50d259de: /* @__PURE__ */ __name(function(e) {
    return e.constructor;
  }, "__wbg_constructor_76ad3e2c50d259de"), __wbg_cron_011257069251b860: /* @__PURE__ */ __name(function(e, t) {
    let n = t.cron, _ = y(n, i.__wbindgen_malloc, i.__wbindgen_realloc), s = g;
    w().setInt32((e >>> 0) + 4, s, true), w().setInt32((e >>> 0) + 0, _, true);
  }, "__wbg_cron_011257069251b860"), __wbg_crypto_23f565a907d30078: /* @__PURE__ */ __name(function(e) {
    return e.crypto;
  }, "__wbg_crypto_23f565a907d30078"), __wbg_deriveBits_4c00b9e4633ad461: /* @__PURE__ */ __name(function(e, t, n, _) {
    return e.deriveBits(t, n, _ >>> 0);
  }, "__wbg_deriveBits_4c00b9e4633ad461"), __wbg_done_57e08d0be6e30c02: /* @__PURE__ */ __name(function(e) {
    return e.done;
  }, "__wbg_done_57e08d0be6e30c02"), __wbg_enqueue_c11626eae1c54509: /* @__PURE__ */ __name(function(e, t) {
    e.enqueue(t);
  }, "__wbg_enqueue_c11626eae1c54509"), __wbg_entries_7bb1459bd9b5c2b9: /* @__PURE__ */ __name(function(e) {
    return Object.entries(e);
  }, "__wbg_entries_7bb1459bd9b5c2b9"), __wbg_entries_fb0b3ba27a6e0bf7: /* @__PURE__ */ __name(function(e) {
    return e.entries();
  }, "__wbg_entries_fb0b3ba27a6e0bf7"), __wbg_error_9b95f63d905893d2: /* @__PURE__ */ __name(function(e, t) {
    console.error(e, t);
  }, "__wbg_error_9b95f63d905893d2"), __wbg_error_d1fc0193610e0e39: /* @__PURE__ */ __name(function(e) {
    console.error(e);
  }, "__wbg_error_d1fc0193610e0e39"), __wbg_fetch_0c15fd1aa74dfb4e: /* @__PURE__ */ __name(function(e, t, n, _) {
    return e.fetch(b(t, n), _);
  }, "__wbg_fetch_0c15fd1aa74dfb4e"), __wbg_fetch_6cdf7c76b04ad3b1: /* @__PURE__ */ __name(function(e, t, n) {
    return e.fetch(b(t, n));
  }, "__wbg_fetch_6cdf7c76b04ad3b1"), __wbg_fetch_8991a6a8ea67c83b: /* @__PURE__ */ __name(function(e, t, n, _) {
    return e.fetch(b(t, n), _);
  }, "__wbg_fetch_8991a6a8ea67c83b"), __wbg_fetch_a416b432a33cc077: /* @__PURE__ */ __name(function(e, t, n) {
    return e.fetch(t, n);
  }, "__wbg_fetch_a416b432a33cc077"), __wbg_getRandomValues_d2908e0b99612b91: /* @__PURE__ */ __name(function(e, t) {
    e.getRandomValues(t);
  }, "__wbg_getRandomValues_d2908e0b99612b91"), __wbg_getReader_3b3096cf504fce5e: /* @__PURE__ */ __name(function(e) {
    return e.getReader();
  }, "__wbg_getReader_3b3096cf504fce5e"), __wbg_getTime_edc91481cbc4cd78: /* @__PURE__ */ __name(function(e) {
    return e.getTime();
  }, "__wbg_getTime_edc91481cbc4cd78"), __wbg_get_0ae635d02d232017: /* @__PURE__ */ __name(function(e, t) {
    let n = Reflect.get(e, t);
    return f(n) ? 0 : h(n);
  }, "__wbg_get_0ae635d02d232017"), __wbg_get_2080c49015e35254: /* @__PURE__ */ __name(function(e, t) {
    return Reflect.get(e, t);
  }, "__wbg_get_2080c49015e35254"), __wbg_get_556f1c9a5c587e8c: /* @__PURE__ */ __name(function(e, t, n, _) {
    let s = t.get(b(n, _));
    var u = f(s) ? 0 : y(s, i.__wbindgen_malloc, i.__wbindgen_realloc), d = g;
    w().setInt32((e >>> 0) + 4, d, true), w().setInt32((e >>> 0) + 0, u, true);
  }, "__wbg_get_556f1c9a5c587e8c"), __wbg_get_635eea311fa1a291: /* @__PURE__ */ __name(function(e, t) {
    return Reflect.get(e, t);
  }, "__wbg_get_635eea311fa1a291"), __wbg_get_d7176cfb76d71114: /* @__PURE__ */ __name(function(e, t) {
    return e[t >>> 0];
  }, "__wbg_get_d7176cfb76d71114"), __wbg_get_done_3bf2b4a34e149301: /* @__PURE__ */ __name(function(e) {
    let t = e.done;
    return f(t) ? 16777215 : t ? 1 : 0;
  }, "__wbg_get_done_3bf2b4a34e149301"), __wbg_get_unchecked_e6325ad374eff861: /* @__PURE__ */ __name(function(e, t) {
    return e[t >>> 0];
  }, "__wbg_get_unchecked_e6325ad374eff861"), __wbg_get_value_9454480da7066d61: /* @__PURE__ */ __name(function(e) {
    return e.value;
  }, "__wbg_get_value_9454480da7066d61"), __wbg_get_with_ref_key_fc601247060b7204: /* @__PURE__ */ __name(function(e, t) {
    return e[t];
  }, "__wbg_get_with_ref_key_fc601247060b7204"), __wbg_headers_5fc0106c076eb731: /* @__PURE__ */ __name(function(e) {
    return e.headers;
  }, "__wbg_headers_5fc0106c076eb731"), __wbg_headers_9ef80dd266706f48: /* @__PURE__ */ __name(function(e) {
    return e.headers;
  }, "__wbg_headers_9ef80dd266706f48"), __wbg_importKey_d8db521a98ea1991: /* @__PURE__ */ __name(function(e, t, n, _, s, u, d, l) {
    return e.importKey(b(t, n), _, b(s, u), d !== 0, l);
  }, "__wbg_importKey_d8db521a98ea1991"), __wbg_instanceId_65a51bedfd10160a: /* @__PURE__ */ __name(function(e) {
    return e.instanceId;
  }, "__wbg_instanceId_65a51bedfd10160a"), __wbg_instanceof_ArrayBuffer_12cdaa4161423e6b: /* @__PURE__ */ __name(function(e) {
    let t;
    try {
      t = e instanceof ArrayBuffer;
    } catch {
      t = false;
    }
    return t;
  }, "__wbg_instanceof_ArrayBuffer_12cdaa4161423e6b"), __wbg_instanceof_CryptoKey_50c903e21f76ad93: /* @__PURE__ */ __name(function(e) {
    let t;
    try {
      t = e instanceof CryptoKey;
    } catch {
      t = false;
    }
    return t;
  }, "__wbg_instanceof_CryptoKey_50c903e21f76ad93"), __wbg_instanceof_Crypto_4818ba561e7c4951: /* @__PURE__ */ __name(function(e) {
    let t;
    try {
      t = e instanceof Crypto;
    } catch {
      t = false;
    }
    return t;
  }, "__wbg_instanceof_Crypto_4818ba561e7c4951"), __wbg_instanceof_Error_74e3cca0c4a69161: /* @__PURE__ */ __name(function(e) {
    let t;
    try {
      t = e instanceof Error;
    } catch {
      t = false;
    }
    return t;
  }, "__wbg_instanceof_Error_74e3cca0c4a69161"), __wbg_instanceof_Map_0b4fc8b62e73f163: /* @__PURE__ */ __name(function(e) {
    let t;
    try {
      t = e instanceof Map;
    } catch {
      t = false;
    }
    return t;
  }, "__wbg_instanceof_Map_0b4fc8b62e73f163"), __wbg_instanceof_ReadableStream_ac28304925ec0f96: /* @__PURE__ */ __name(function(e) {
    let t;
    try {
      t = e instanceof ReadableStream;
    } catch {
      t = false;
    }
    return t;
  }, "__wbg_instanceof_ReadableStream_ac28304925ec0f96"), __wbg_instanceof_Response_5b0b4f7f1daeae51: /* @__PURE__ */ __name(function(e) {
    let t;
    try {
      t = e instanceof Response;
    } catch {
      t = false;
    }
    return t;
  }, "__wbg_instanceof_Response_5b0b4f7f1daeae51"), __wbg_instanceof_Uint8Array_d7aeb0dcb3108fea: /* @__PURE__ */ __name(function(e) {
    let t;
    try {
      t = e instanceof Uint8Array;
    } catch {
      t = false;
    }
    return t;
  }, "__wbg_instanceof_Uint8Array_d7aeb0dcb3108fea"), __wbg_isArray_bcf1376d0d732d08: /* @__PURE__ */ __name(function(e) {
    return Array.isArray(e);
  }, "__wbg_isArray_bcf1376d0d732d08"), __wbg_isSafeInteger_1a35ba4d31e71d38: /* @__PURE__ */ __name(function(e) {
    return Number.isSafeInteger(e);
  }, "__wbg_isSafeInteger_1a35ba4d31e71d38"), __wbg_iterator_e4c5e8f68ada7b58: /* @__PURE__ */ __name(function() {
    return Symbol.iterator;
  }, "__wbg_iterator_e4c5e8f68ada7b58"), __wbg_keys_296846770c088f87: /* @__PURE__ */ __name(function(e) {
    return e.keys();
  }, "__wbg_keys_296846770c088f87"), __wbg_length_186163212ffe79c3: /* @__PURE__ */ __name(function(e) {
    return e.length;
  }, "__wbg_length_186163212ffe79c3"), __wbg_length_b03a0fabb109b1e9: /* @__PURE__ */ __name(function(e) {
    return e.length;
  }, "__wbg_length_b03a0fabb109b1e9"), __wbg_log_ff86bbb34c295e21: /* @__PURE__ */ __name(function(e) {
    console.log(e);
  }, "__wbg_log_ff86bbb34c295e21"), __wbg_message_43d8c8f1d543a349: /* @__PURE__ */ __name(function(e) {
    return e.message;
  }, "__wbg_message_43d8c8f1d543a349"), __wbg_meta_16ceaf7f888080b3: /* @__PURE__ */ __name(function(e) {
    return e.meta;
  }, "__wbg_meta_16ceaf7f888080b3"), __wbg_method_3d406ebab4dd9853: /* @__PURE__ */ __name(function(e, t) {
    let n = t.method, _ = y(n, i.__wbindgen_malloc, i.__wbindgen_realloc), s = g;
    w().setInt32((e >>> 0) + 4, s, true), w().setInt32((e >>> 0) + 0, _, true);
  }, "__wbg_method_3d406ebab4dd9853"), __wbg_minifyconfig_new: /* @__PURE__ */ __name(function(e) {
    return R.__wrap(e);
  }, "__wbg_minifyconfig_new"), __wbg_msCrypto_d5f06fad6bf1409b: /* @__PURE__ */ __name(function(e) {
    return e.msCrypto;
  }, "__wbg_msCrypto_d5f06fad6bf1409b"), __wbg_name_d1fa514fdca6a975: /* @__PURE__ */ __name(function(e) {
    return e.name;
  }, "__wbg_name_d1fa514fdca6a975"), __wbg_name_fd11f69c917c5670: /* @__PURE__ */ __name(function(e) {
    return e.name;
  }, "__wbg_name_fd11f69c917c5670"), __wbg_new_0_36d738a0c8cfac43: /* @__PURE__ */ __name(function() {
    return /* @__PURE__ */ new Date();
  }, "__wbg_new_0_36d738a0c8cfac43"), __wbg_new_13de428334042d26: /* @__PURE__ */ __name(function(e) {
    return new Uint8Array(e);
  }, "__wbg_new_13de428334042d26"), __wbg_new_277c27c26f94cbc2: /* @__PURE__ */ __name(function() {
    return new Headers();
  }, "__wbg_new_277c27c26f94cbc2"), __wbg_new_37eb45aaf5eeb820: /* @__PURE__ */ __name(function() {
    return new Array();
  }, "__wbg_new_37eb45aaf5eeb820"), __wbg_new_7075786089b89c5e: /* @__PURE__ */ __name(function() {
    return /* @__PURE__ */ new Map();
  }, "__wbg_new_7075786089b89c5e"), __wbg_new_787b9fb330d55d78: /* @__PURE__ */ __name(function(e, t) {
    return new Error(b(e, t));
  }, "__wbg_new_787b9fb330d55d78"), __wbg_new_cd4348290afae586: /* @__PURE__ */ __name(function() {
    return new Object();
  }, "__wbg_new_cd4348290afae586"), __wbg_new_from_slice_b8daf545a41c6aa0: /* @__PURE__ */ __name(function(e, t) {
    return new Uint8Array(C(e, t));
  }, "__wbg_new_from_slice_b8daf545a41c6aa0"), __wbg_new_typed_e09da9dae6ee5935: /* @__PURE__ */ __name(function(e, t) {
    try {
      var n = { a: e, b: t }, _ = /* @__PURE__ */ __name((u, d) => {
        let l = n.a;
        n.a = 0;
        try {
          return he(l, n.b, u, d);
        } finally {
          n.a = l;
        }
      }, "_");
      return new Promise(_);
    } finally {
      n.a = 0;
    }
  }, "__wbg_new_typed_e09da9dae6ee5935"), __wbg_new_with_byte_offset_and_length_3cd32055a417f095: /* @__PURE__ */ __name(function(e, t, n) {
    return new Uint8Array(e, t >>> 0, n >>> 0);
  }, "__wbg_new_with_byte_offset_and_length_3cd32055a417f095"), __wbg_new_with_length_01b143a7e5dd5a3e: /* @__PURE__ */ __name(function(e) {
    return new Uint8Array(e >>> 0);
  }, "__wbg_new_with_length_01b143a7e5dd5a3e"), __wbg_new_with_opt_buffer_source_and_init_efb63b64b37a12c7: /* @__PURE__ */ __name(function(e, t) {
    return new Response(e, t);
  }, "__wbg_new_with_opt_buffer_source_and_init_efb63b64b37a12c7"), __wbg_new_with_opt_readable_stream_and_init_383c64eccf9e9cc7: /* @__PURE__ */ __name(function(e, t) {
    return new Response(e, t);
  }, "__wbg_new_with_opt_readable_stream_and_init_383c64eccf9e9cc7"), __wbg_new_with_opt_str_and_init_6456bed24baae6fc: /* @__PURE__ */ __name(function(e, t, n) {
    return new Response(e === 0 ? void 0 : b(e, t), n);
  }, "__wbg_new_with_opt_str_and_init_6456bed24baae6fc"), __wbg_new_with_str_and_init_d9f6b5611184e16b: /* @__PURE__ */ __name(function(e, t, n) {
    return new Request(b(e, t), n);
  }, "__wbg_new_with_str_and_init_d9f6b5611184e16b"), __wbg_next_178c1651c11432b3: /* @__PURE__ */ __name(function(e) {
    return e.next;
  }, "__wbg_next_178c1651c11432b3"), __wbg_next_af5ac6a08bb0a717: /* @__PURE__ */ __name(function(e) {
    return e.next();
  }, "__wbg_next_af5ac6a08bb0a717"), __wbg_node_86166ff8ce1f2002: /* @__PURE__ */ __name(function(e) {
    return e.node;
  }, "__wbg_node_86166ff8ce1f2002"), __wbg_now_463ac581d2fc7ea3: /* @__PURE__ */ __name(function() {
    return Date.now();
  }, "__wbg_now_463ac581d2fc7ea3"), __wbg_of_027eb15371aac932: /* @__PURE__ */ __name(function(e) {
    return Array.of(e);
  }, "__wbg_of_027eb15371aac932"), __wbg_prepare_50d1ec53a3871b75: /* @__PURE__ */ __name(function(e, t, n) {
    return e.prepare(b(t, n));
  }, "__wbg_prepare_50d1ec53a3871b75"), __wbg_process_91f425a63f58e399: /* @__PURE__ */ __name(function(e) {
    return e.process;
  }, "__wbg_process_91f425a63f58e399"), __wbg_prototypesetcall_13162965d1fe7aa3: /* @__PURE__ */ __name(function(e, t, n) {
    Uint8Array.prototype.set.call(C(e, t), n);
  }, "__wbg_prototypesetcall_13162965d1fe7aa3"), __wbg_push_c9f4893fc209f768: /* @__PURE__ */ __name(function(e, t) {
    return e.push(t);
  }, "__wbg_push_c9f4893fc209f768"), __wbg_queueMicrotask_1e8503a8a690f0a3: /* @__PURE__ */ __name(function(e) {
    return e.queueMicrotask;
  }, "__wbg_queueMicrotask_1e8503a8a690f0a3"), __wbg_queueMicrotask_4a1a4d8dd332373b: /* @__PURE__ */ __name(function(e) {
    queueMicrotask(e);
  }, "__wbg_queueMicrotask_4a1a4d8dd332373b"), __wbg_randomFillSync_34b023059e3363de: /* @__PURE__ */ __name(function(e, t) {
    e.randomFillSync(t);
  }, "__wbg_randomFillSync_34b023059e3363de"), __wbg_read_e3bea75dace70752: /* @__PURE__ */ __name(function(e) {
    return e.read();
  }, "__wbg_read_e3bea75dace70752"), __wbg_releaseLock_eddf1401c763f0b9: /* @__PURE__ */ __name(function(e) {
    e.releaseLock();
  }, "__wbg_releaseLock_eddf1401c763f0b9"), __wbg_require_9a7d8cc2e1d275c0: /* @__PURE__ */ __name(function() {
    return module.require;
  }, "__wbg_require_9a7d8cc2e1d275c0"), __wbg_resolve_dbf78ab4942478b0: /* @__PURE__ */ __name(function(e) {
    return Promise.resolve(e);
  }, "__wbg_resolve_dbf78ab4942478b0"), __wbg_respond_d97c023ee981d1f5: /* @__PURE__ */ __name(function(e, t) {
    e.respond(t >>> 0);
  }, "__wbg_respond_d97c023ee981d1f5"), __wbg_results_978a5156e9f5bf3d: /* @__PURE__ */ __name(function(e) {
    let t = e.results;
    return f(t) ? 0 : h(t);
  }, "__wbg_results_978a5156e9f5bf3d"), __wbg_run_ba372e9d0b56e06f: /* @__PURE__ */ __name(function(e) {
    return e.run();
  }, "__wbg_run_ba372e9d0b56e06f"), __wbg_scheduledTime_db16f6f6692a082d: /* @__PURE__ */ __name(function(e) {
    return e.scheduledTime;
  }, "__wbg_scheduledTime_db16f6f6692a082d"), __wbg_send_775b22109e202f22: /* @__PURE__ */ __name(function(e, t) {
    return e.send(t);
  }, "__wbg_send_775b22109e202f22"), __wbg_send_b11c3014ae6162c4: /* @__PURE__ */ __name(function(e, t, n) {
    return e.send(t, n);
  }, "__wbg_send_b11c3014ae6162c4"), __wbg_set_2793479888329cb6: /* @__PURE__ */ __name(function(e, t, n) {
    return Reflect.set(e, t, n);
  }, "__wbg_set_2793479888329cb6"), __wbg_set_8282f7e0d2d01336: /* @__PURE__ */ __name(function(e, t, n) {
    return e.set(t, n);
  }, "__wbg_set_8282f7e0d2d01336"), __wbg_set_bcb0ec2400cfa22e: /* @__PURE__ */ __name(function(e, t, n, _, s) {
    e.set(b(t, n), b(_, s));
  }, "__wbg_set_bcb0ec2400cfa22e"), __wbg_set_body_877d5251e78ca815: /* @__PURE__ */ __name(function(e, t) {
    e.body = t;
  }, "__wbg_set_body_877d5251e78ca815"), __wbg_set_cache_7a23201e29cbd632: /* @__PURE__ */ __name(function(e, t) {
    e.cache = pe[t];
  }, "__wbg_set_cache_7a23201e29cbd632"), __wbg_set_criticalError_c30445da7038dbf2: /* @__PURE__ */ __name(function(e, t) {
    e.criticalError = t !== 0;
  }, "__wbg_set_criticalError_c30445da7038dbf2"), __wbg_set_e4b9a833d288759a: /* @__PURE__ */ __name(function(e, t, n) {
    e[t] = n;
  }, "__wbg_set_e4b9a833d288759a"), __wbg_set_feb3714f475485ba: /* @__PURE__ */ __name(function(e, t, n) {
    e.set(C(t, n));
  }, "__wbg_set_feb3714f475485ba"), __wbg_set_from_8919dfdcacb215fd: /* @__PURE__ */ __name(function(e, t, n) {
    e.from = b(t, n);
  }, "__wbg_set_from_8919dfdcacb215fd"), __wbg_set_hash_str_98e1c57c3e505b0b: /* @__PURE__ */ __name(function(e, t, n) {
    e.hash = b(t, n);
  }, "__wbg_set_hash_str_98e1c57c3e505b0b"), __wbg_set_headers_07f10dbe49bc0e77: /* @__PURE__ */ __name(function(e, t) {
    e.headers = t;
  }, "__wbg_set_headers_07f10dbe49bc0e77"), __wbg_set_headers_6d75a7df4eb22716: /* @__PURE__ */ __name(function(e, t) {
    e.headers = t;
  }, "__wbg_set_headers_6d75a7df4eb22716"), __wbg_set_html_fe4561aee10fdef6: /* @__PURE__ */ __name(function(e, t, n) {
    e.html = b(t, n);
  }, "__wbg_set_html_fe4561aee10fdef6"), __wbg_set_instanceId_6f5f77d81e249b49: /* @__PURE__ */ __name(function(e, t) {
    e.instanceId = t >>> 0;
  }, "__wbg_set_instanceId_6f5f77d81e249b49"), __wbg_set_iterations_fb189bed683d288d: /* @__PURE__ */ __name(function(e, t) {
    e.iterations = t >>> 0;
  }, "__wbg_set_iterations_fb189bed683d288d"), __wbg_set_method_639e69af35614d36: /* @__PURE__ */ __name(function(e, t, n) {
    e.method = b(t, n);
  }, "__wbg_set_method_639e69af35614d36"), __wbg_set_name_60ab0069dbb3b158: /* @__PURE__ */ __name(function(e, t, n) {
    e.name = b(t, n);
  }, "__wbg_set_name_60ab0069dbb3b158"), __wbg_set_redirect_a95a432ab7d10765: /* @__PURE__ */ __name(function(e, t) {
    e.redirect = me[t];
  }, "__wbg_set_redirect_a95a432ab7d10765"), __wbg_set_replyTo_4132e0453717db20: /* @__PURE__ */ __name(function(e, t, n) {
    e.replyTo = b(t, n);
  }, "__wbg_set_replyTo_4132e0453717db20"), __wbg_set_salt_474400e9bceb82f4: /* @__PURE__ */ __name(function(e, t) {
    e.salt = t;
  }, "__wbg_set_salt_474400e9bceb82f4"), __wbg_set_signal_0b2eee78907e5ba7: /* @__PURE__ */ __name(function(e, t) {
    e.signal = t;
  }, "__wbg_set_signal_0b2eee78907e5ba7"), __wbg_set_status_bd9dc81d1c17b108: /* @__PURE__ */ __name(function(e, t) {
    e.status = t;
  }, "__wbg_set_status_bd9dc81d1c17b108"), __wbg_set_subject_c19f0ac61c7b57f8: /* @__PURE__ */ __name(function(e, t, n) {
    e.subject = b(t, n);
  }, "__wbg_set_subject_c19f0ac61c7b57f8"), __wbg_set_text_50a62c8a3f4faf8d: /* @__PURE__ */ __name(function(e, t, n) {
    e.text = b(t, n);
  }, "__wbg_set_text_50a62c8a3f4faf8d"), __wbg_set_to_270bdaa86640ce1d: /* @__PURE__ */ __name(function(e, t, n) {
    e.to = b(t, n);
  }, "__wbg_set_to_270bdaa86640ce1d"), __wbg_static_accessor_GLOBAL_THIS_003ee833af9699fc: /* @__PURE__ */ __name(function() {
    let e = typeof globalThis > "u" ? void 0 : globalThis;
    return f(e) ? 0 : h(e);
  }, "__wbg_static_accessor_GLOBAL_THIS_003ee833af9699fc"), __wbg_static_accessor_GLOBAL_e4293fb22cbe77da: /* @__PURE__ */ __name(function() {
    let e = typeof global > "u" ? void 0 : global;
    return f(e) ? 0 : h(e);
  }, "__wbg_static_accessor_GLOBAL_e4293fb22cbe77da"), __wbg_static_accessor_INIT_STATE_b2269150d11f01e0: /* @__PURE__ */ __name(function() {
    return Z;
  }, "__wbg_static_accessor_INIT_STATE_b2269150d11f01e0"), __wbg_static_accessor_SELF_53bb20457401453d: /* @__PURE__ */ __name(function() {
    let e = typeof self > "u" ? void 0 : self;
    return f(e) ? 0 : h(e);
  }, "__wbg_static_accessor_SELF_53bb20457401453d"), __wbg_static_accessor_WINDOW_b5e0810bfecb7feb: /* @__PURE__ */ __name(function() {
    let e = typeof window > "u" ? void 0 : window;
    return f(e) ? 0 : h(e);
  }, "__wbg_static_accessor_WINDOW_b5e0810bfecb7feb"), __wbg_status_cb85b6c8d1769fa1: /* @__PURE__ */ __name(function(e) {
    return e.status;
  }, "__wbg_status_cb85b6c8d1769fa1"), __wbg_subarray_58f388a9247ac0bb: /* @__PURE__ */ __name(function(e, t, n) {
    return e.subarray(t >>> 0, n >>> 0);
  }, "__wbg_subarray_58f388a9247ac0bb"), __wbg_subtle_28bc23a1c3440ebf: /* @__PURE__ */ __name(function(e) {
    return e.subtle;
  }, "__wbg_subtle_28bc23a1c3440ebf"), __wbg_then_656f253a5dd7d8ea: /* @__PURE__ */ __name(function(e, t, n) {
    return e.then(t, n);
  }, "__wbg_then_656f253a5dd7d8ea"), __wbg_then_e3f7f2d365708be8: /* @__PURE__ */ __name(function(e, t) {
    return e.then(t);
  }, "__wbg_then_e3f7f2d365708be8"), __wbg_url_1be993c7b186415b: /* @__PURE__ */ __name(function(e, t) {
    let n = t.url, _ = y(n, i.__wbindgen_malloc, i.__wbindgen_realloc), s = g;
    w().setInt32((e >>> 0) + 4, s, true), w().setInt32((e >>> 0) + 0, _, true);
  }, "__wbg_url_1be993c7b186415b"), __wbg_value_e0f328965e184931: /* @__PURE__ */ __name(function(e) {
    return e.value;
  }, "__wbg_value_e0f328965e184931"), __wbg_versions_6e128a981b0df859: /* @__PURE__ */ __name(function(e) {
    return e.versions;
  }, "__wbg_versions_6e128a981b0df859"), __wbg_view_3b708d3bdaf3fc96: /* @__PURE__ */ __name(function(e) {
    let t = e.view;
    return f(t) ? 0 : h(t);
  }, "__wbg_view_3b708d3bdaf3fc96"), __wbg_waitUntil_0c139a1768f7d284: /* @__PURE__ */ __name(function(e, t) {
    e.waitUntil(t);
  }, "__wbg_waitUntil_0c139a1768f7d284"), __wbg_webSocket_71791e807603b1e4: /* @__PURE__ */ __name(function(e) {
    let t = e.webSocket;
    return f(t) ? 0 : h(t);
  }, "__wbg_webSocket_71791e807603b1e4"), __wbindgen_generic_0000000000000001: /* @__PURE__ */ __name(function(e, t) {
    return H(e, t, we);
  }, "__wbindgen_generic_0000000000000001"), __wbindgen_generic_0000000000000002: /* @__PURE__ */ __name(function(e, t) {
    return H(e, t, ge);
  }, "__wbindgen_generic_0000000000000002"), __wbindgen_generic_0000000000000003: /* @__PURE__ */ __name(function(e, t) {
    return H(e, t, le);
  }, "__wbindgen_generic_0000000000000003"), __wbindgen_generic_0000000000000004: /* @__PURE__ */ __name(function(e) {
    return e;
  }, "__wbindgen_generic_0000000000000004"), __wbindgen_generic_0000000000000005: /* @__PURE__ */ __name(function(e) {
    return e;
  }, "__wbindgen_generic_0000000000000005"), __wbindgen_generic_0000000000000006: /* @__PURE__ */ __name(function(e, t) {
    return C(e, t);
  }, "__wbindgen_generic_0000000000000006"), __wbindgen_generic_0000000000000007: /* @__PURE__ */ __name(function(e, t) {
    return b(e, t);
  }, "__wbindgen_generic_0000000000000007"), __wbindgen_generic_0000000000000008: /* @__PURE__ */ __name(function(e) {
    return BigInt.asUintN(64, e);
  }, "__wbindgen_generic_0000000000000008"), __wbindgen_init_externref_table: /* @__PURE__ */ __name(function() {
    let e = i.__wbindgen_externrefs;
    e.set(0, void 0), e.set(1024, void 0), e.set(1025, null), e.set(1026, true), e.set(1027, false);
  }, "__wbindgen_init_externref_table"), __wbindgen_jstag: WebAssembly.JSTag, __wbindgen_rethrow_critical: /* @__PURE__ */ __name(function(e) {
    throw new Error("Critical error", { cause: e });
  }, "__wbindgen_rethrow_critical") } };
}
__name(ae, "ae");
var V = new WebAssembly.Tag({ parameters: ["externref"] });
var $;
var J = false;
function fe() {
  J = true;
  try {
    let r2 = G()[i.__abort_handler.value / 4];
    r2 && i.__wbindgen_export.get(r2)();
  } catch {
  }
}
__name(fe, "fe");
function o(r2) {
  throw r2 instanceof WebAssembly.Exception && r2.is(V) ? r2.getArg(V, 0) : (G()[$] = 1, fe(), r2);
}
__name(o, "o");
function c() {
  if ($ ??= i.__instance_terminated.value / 4, G()[$]) {
    if (J || fe(), L) {
      U();
      return;
    }
    throw new Error("Module terminated");
  } else L && U();
}
__name(c, "c");
function we(r2, e, t) {
  c();
  try {
    i.wasm_bindgen__convert__closures_____invoke__h93441bc93dede253(r2, e, t);
  } catch (n) {
    o(n);
  }
}
__name(we, "we");
function ge(r2, e, t) {
  let n;
  c();
  try {
    n = i.wasm_bindgen__convert__closures_____invoke__h5cb6264f70af2a22(r2, e, t);
  } catch (_) {
    o(_);
  }
  if (n[1]) throw be(n[0]);
}
__name(ge, "ge");
function le(r2, e, t) {
  let n;
  c();
  try {
    n = i.wasm_bindgen__convert__closures_____invoke__h5ddbcc174e00428d(r2, e, t);
  } catch (_) {
    o(_);
  }
  if (n[1]) throw be(n[0]);
}
__name(le, "le");
function he(r2, e, t, n) {
  c();
  try {
    i.wasm_bindgen__convert__closures_____invoke__h025d06cd49588505(r2, e, t, n);
  } catch (_) {
    o(_);
  }
}
__name(he, "he");
var ye = ["bytes"];
var pe = ["default", "no-store", "reload", "no-cache", "force-cache", "only-if-cached"];
var me = ["follow", "error", "manual"];
var a = 0;
var ve = typeof FinalizationRegistry > "u" ? { register: /* @__PURE__ */ __name(() => {
}, "register"), unregister: /* @__PURE__ */ __name(() => {
}, "unregister") } : new FinalizationRegistry(({ ptr: r2, instance: e }) => {
  e === a && i.__wbg_containerstartupoptions_free(r2, 1);
});
var xe = typeof FinalizationRegistry > "u" ? { register: /* @__PURE__ */ __name(() => {
}, "register"), unregister: /* @__PURE__ */ __name(() => {
}, "unregister") } : new FinalizationRegistry(({ ptr: r2, instance: e }) => {
  e === a && i.__wbg_intounderlyingbytesource_free(r2, 1);
});
var Ie = typeof FinalizationRegistry > "u" ? { register: /* @__PURE__ */ __name(() => {
}, "register"), unregister: /* @__PURE__ */ __name(() => {
}, "unregister") } : new FinalizationRegistry(({ ptr: r2, instance: e }) => {
  e === a && i.__wbg_intounderlyingsink_free(r2, 1);
});
var Ee = typeof FinalizationRegistry > "u" ? { register: /* @__PURE__ */ __name(() => {
}, "register"), unregister: /* @__PURE__ */ __name(() => {
}, "unregister") } : new FinalizationRegistry(({ ptr: r2, instance: e }) => {
  e === a && i.__wbg_intounderlyingsource_free(r2, 1);
});
var ee = typeof FinalizationRegistry > "u" ? { register: /* @__PURE__ */ __name(() => {
}, "register"), unregister: /* @__PURE__ */ __name(() => {
}, "unregister") } : new FinalizationRegistry(({ ptr: r2, instance: e }) => {
  e === a && i.__wbg_minifyconfig_free(r2, 1);
});
var Re = typeof FinalizationRegistry > "u" ? { register: /* @__PURE__ */ __name(() => {
}, "register"), unregister: /* @__PURE__ */ __name(() => {
}, "unregister") } : new FinalizationRegistry(({ ptr: r2, instance: e }) => {
  e === a && i.__wbg_r2range_free(r2, 1);
});
function h(r2) {
  let e = i.__externref_table_alloc();
  return i.__wbindgen_externrefs.set(e, r2), e;
}
__name(h, "h");
var te = typeof FinalizationRegistry > "u" ? { register: /* @__PURE__ */ __name(() => {
}, "register"), unregister: /* @__PURE__ */ __name(() => {
}, "unregister") } : new FinalizationRegistry((r2) => {
  r2.instance === a && i.__wbindgen_destroy_closure(r2.a, r2.b);
});
function ue(r2) {
  switch (typeof r2) {
    case "number":
    case "boolean":
    case "undefined":
      return `${r2}`;
    case "string":
      return JSON.stringify(r2);
    case "bigint":
      return `${r2}n`;
    case "symbol":
      return r2.description !== void 0 ? `Symbol(${r2.description})` : "Symbol";
    case "function":
      return typeof r2.name == "string" && r2.name !== "" ? `Function(${r2.name})` : "Function";
    case "object": {
      if (r2 === null) return "null";
      if (Array.isArray(r2)) return "[" + Array.from(r2, ue).join(", ") + "]";
      if (r2 instanceof Error) return `${r2.name}: ${r2.message}
${r2.stack}`;
      let e = toString.call(r2), t = /\[object ([^\]]+)\]/.exec(e)?.[1];
      if (t === void 0) return e;
      if (t === "Object") try {
        return "Object(" + JSON.stringify(r2) + ")";
      } catch {
        return "Object";
      }
      return t;
    }
  }
}
__name(ue, "ue");
function Fe(r2, e) {
  r2 = r2 >>> 0;
  let t = w(), n = [];
  for (let _ = r2; _ < r2 + 4 * e; _ += 4) n.push(i.__wbindgen_externrefs.get(t.getUint32(_, true)));
  return i.__externref_drop_slice(r2, e), n;
}
__name(Fe, "Fe");
function C(r2, e) {
  return r2 = r2 >>> 0, W().subarray(r2 / 1, r2 / 1 + e);
}
__name(C, "C");
var E = null;
function w() {
  return (E === null || E.buffer.detached === true || E.buffer.detached === void 0 && E.buffer !== i.memory.buffer) && (E = new DataView(i.memory.buffer)), E;
}
__name(w, "w");
var A = null;
function G() {
  return (A === null || A.byteLength === 0) && (A = new Int32Array(i.memory.buffer)), A;
}
__name(G, "G");
function b(r2, e) {
  return r2 = r2 >>> 0, ke(W().subarray(r2, r2 + e));
}
__name(b, "b");
var S = null;
function W() {
  return (S === null || S.byteLength === 0) && (S = new Uint8Array(i.memory.buffer)), S;
}
__name(W, "W");
function f(r2) {
  return r2 == null;
}
__name(f, "f");
function H(r2, e, t) {
  let n = { a: r2, b: e, cnt: 1, instance: a }, _ = /* @__PURE__ */ __name((...s) => {
    if (n.instance !== a) throw new Error("Cannot invoke closure from previous WASM instance");
    n.cnt++;
    let u = n.a;
    n.a = 0;
    try {
      return t(u, n.b, ...s);
    } finally {
      n.a = u, _._wbg_cb_unref();
    }
  }, "_");
  return _._wbg_cb_unref = () => {
    --n.cnt === 0 && (i.__wbindgen_destroy_closure(n.a, n.b), n.a = 0, te.unregister(n));
  }, te.register(_, n, n), _;
}
__name(H, "H");
function je(r2, e) {
  let t = e(r2.length * 4, 4) >>> 0;
  for (let n = 0; n < r2.length; n++) {
    let _ = h(r2[n]);
    w().setUint32(t + 4 * n, _, true);
  }
  return g = r2.length, t;
}
__name(je, "je");
function y(r2, e, t) {
  if (t === void 0) {
    let d = T.encode(r2), l = e(d.length, 1) >>> 0;
    return W().subarray(l, l + d.length).set(d), g = d.length, l;
  }
  let n = r2.length, _ = e(n, 1) >>> 0, s = W(), u = 0;
  for (; u < n; u++) {
    let d = r2.charCodeAt(u);
    if (d > 127) break;
    s[_ + u] = d;
  }
  if (u !== n) {
    u !== 0 && (r2 = r2.slice(u)), _ = t(_, n, n = u + r2.length * 3, 1) >>> 0;
    let d = W().subarray(_ + u, _ + n), l = T.encodeInto(r2, d);
    u += l.written, _ = t(_, n, u, 1) >>> 0;
  }
  return g = u, _;
}
__name(y, "y");
var L = false;
function be(r2) {
  let e = i.__wbindgen_externrefs.get(r2);
  return i.__externref_table_dealloc(r2), e;
}
__name(be, "be");
var de = new TextDecoder("utf-8", { ignoreBOM: true });
de.decode();
function ke(r2) {
  return de.decode(r2);
}
__name(ke, "ke");
var T = new TextEncoder();
"encodeInto" in T || (T.encodeInto = function(r2, e) {
  let t = T.encode(r2);
  return e.set(t), { read: r2.length, written: t.length };
});
var g = 0;
var K = new WebAssembly.Instance(ne, ae());
var i = K.exports;
i.__wbindgen_start();
Error.stackTraceLimit = 100;
var v = re();
function X() {
  v.criticalError && (console.log("Reinitializing Wasm application"), U(), v.criticalError = false, v.instanceId++);
}
__name(X, "X");
addEventListener("error", (r2) => {
  Q(r2.error);
});
function Q(r2) {
  r2 instanceof WebAssembly.RuntimeError && (console.error("Critical", r2), v.criticalError = true);
}
__name(Q, "Q");
var x = class extends Se {
  static {
    __name(this, "x");
  }
};
x.prototype.answerAtHand = _e;
x.prototype.clickRows = ie;
x.prototype.fetch = function(e) {
  return oe.call(this, e, this.env, this.ctx);
};
x.prototype.scheduled = function(e) {
  return ce.call(this, e, this.env, this.ctx);
};
x.prototype.writeClick = se;
var We = { set: /* @__PURE__ */ __name((r2, e, t, n) => Reflect.set(r2.instance, e, t, n), "set"), has: /* @__PURE__ */ __name((r2, e) => Reflect.has(r2.instance, e), "has"), deleteProperty: /* @__PURE__ */ __name((r2, e) => Reflect.deleteProperty(r2.instance, e), "deleteProperty"), apply: /* @__PURE__ */ __name((r2, e, t) => Reflect.apply(r2.instance, e, t), "apply"), construct: /* @__PURE__ */ __name((r2, e, t) => Reflect.construct(r2.instance, e, t), "construct"), getPrototypeOf: /* @__PURE__ */ __name((r2) => Reflect.getPrototypeOf(r2.instance), "getPrototypeOf"), setPrototypeOf: /* @__PURE__ */ __name((r2, e) => Reflect.setPrototypeOf(r2.instance, e), "setPrototypeOf"), isExtensible: /* @__PURE__ */ __name((r2) => Reflect.isExtensible(r2.instance), "isExtensible"), preventExtensions: /* @__PURE__ */ __name((r2) => Reflect.preventExtensions(r2.instance), "preventExtensions"), getOwnPropertyDescriptor: /* @__PURE__ */ __name((r2, e) => Reflect.getOwnPropertyDescriptor(r2.instance, e), "getOwnPropertyDescriptor"), defineProperty: /* @__PURE__ */ __name((r2, e, t) => Reflect.defineProperty(r2.instance, e, t), "defineProperty"), ownKeys: /* @__PURE__ */ __name((r2) => Reflect.ownKeys(r2.instance), "ownKeys") };
var q = { construct(r2, e, t) {
  try {
    X();
    let n = { instance: Reflect.construct(r2, e, t), instanceId: v.instanceId, ctor: r2, args: e, newTarget: t };
    return new Proxy(n, { ...We, get(_, s, u) {
      _.instanceId !== v.instanceId && (_.instance = Reflect.construct(_.ctor, _.args, _.newTarget), _.instanceId = v.instanceId);
      let d = Reflect.get(_.instance, s, u);
      return typeof d != "function" ? d : d.constructor === Function ? new Proxy(d, { apply(l, m, I) {
        X();
        try {
          return l.apply(m, I);
        } catch (p) {
          throw Q(p), p;
        }
      } }) : new Proxy(d, { async apply(l, m, I) {
        X();
        try {
          return await l.apply(m, I);
        } catch (p) {
          throw Q(p), p;
        }
      } });
    } });
  } catch (n) {
    throw v.criticalError = true, n;
  }
} };
var Me = new Proxy(x, q);
var Pe = new Proxy(j, q);
var Ue = new Proxy(R, q);
var Le = new Proxy(k, q);

// ../../worker/entry.mjs
var { answerAtHand, clickRows, writeClick } = Me.prototype;
var LINK = /^https?:\/\/[^/]+\/r\/([a-z0-9_-]{1,64})(?:[/?#]|$)/;
function send(env, click) {
  const write = /* @__PURE__ */ __name(() => writeClick(env, click), "write");
  if (!env.CLICKS) return write();
  return env.CLICKS.send(click, { contentType: "text" }).catch((e) => {
    console.error(`click queue send failed (${e}); writing the row`);
    return write();
  });
}
__name(send, "send");
async function redirect(request, env, ctx, code) {
  const key = `link:${code}`;
  const value = await env.LINKS.get(key);
  let headers = "";
  for (const [name, v2] of request.headers) headers += `${name}
${v2}
`;
  let text;
  try {
    text = answerAtHand(env, request.url, headers, request.cf?.asn, key, value ?? void 0);
  } catch (e) {
    console.error(`redirect at hand failed (${e}); handing it on`);
  }
  if (text === void 0) return void 0;
  const [head, ...clicks] = text.split("\n");
  const answer = JSON.parse(head);
  for (const click of clicks) ctx.waitUntil(send(env, click));
  return new Response(answer.body || null, { status: answer.status, headers: answer.headers });
}
__name(redirect, "redirect");
var pause = /* @__PURE__ */ __name((ms) => new Promise((resolve) => setTimeout(resolve, ms)), "pause");
var line = /* @__PURE__ */ __name((body) => typeof body === "string" && !body.includes("\n") ? body : JSON.stringify(body) ?? "", "line");
async function storeClicks(batch, env) {
  const rows = JSON.parse(clickRows(batch.messages.map((m) => line(m.body)).join("\n")));
  const prepare = /* @__PURE__ */ __name(([sql, params]) => env.DB.prepare(rows.sql[sql]).bind(...params), "prepare");
  const all = rows.messages.flatMap((statements) => statements ?? []).map(prepare);
  for (let attempt = 0; all.length > 0 && attempt < 3; attempt++) {
    try {
      await env.DB.batch(all);
      batch.ackAll();
      return;
    } catch (e) {
      console.error(`click batch of ${all.length} failed (attempt ${attempt + 1}): ${e}`);
      await pause(50 << attempt);
    }
  }
  for (const [n, message] of batch.messages.entries()) {
    try {
      const statements = rows.messages[n];
      if (!statements) throw new Error("not a click");
      await env.DB.batch(statements.map(prepare));
      message.ack();
    } catch (e) {
      console.error(`click row failed, back to the queue: ${e}`);
      message.retry();
    }
  }
}
__name(storeClicks, "storeClicks");
var entry_default = {
  async fetch(request, env, ctx) {
    const code = request.method === "GET" && LINK.exec(request.url)?.[1];
    if (code) {
      const answer = await redirect(request, env, ctx, code);
      if (answer) return answer;
    }
    return new Me(ctx, env).fetch(request);
  },
  queue(batch, env) {
    return storeClicks(batch, env);
  },
  scheduled(event, env, ctx) {
    return new Me(ctx, env).scheduled(event);
  }
};

// ../js-queue-worker/index.js
import crawlers from "./83ba3d6912471cdcbbede896c73663e56bf7bf58-crawlers.txt";
var PREVIEW = ["facebookexternalhit", "preview", "embedly", "whatsapp", "telegram", "discord", "vkshare", "skypeuripreview"];
var SCRIPT = ["headless", "curl/", "wget", "python-requests", "python-urllib", "go-http-client", "okhttp", "java/", "libwww", "httpclient", "pingdom", "uptime", "lighthouse", "scanner", "validator"];
var CRAWLER = ["bot", "crawl", "spider", "slurp"];
var DATACENTER = /* @__PURE__ */ new Set([16509, 14618, 396982, 8075, 14061, 16276, 24940, 63949, 20473, 45102, 31898, 132203, 12876, 51167]);
var CARRIED = ["sub", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"];
var AD_PARAMS = ["gclid", "gbraid", "wbraid", "dclid", "fbclid", "msclkid", "ttclid", "twclid", "li_fat_id", "epik", "rdt_cid", "sccid", "irclickid"];
var CODE = /^[a-z0-9][a-z0-9_-]{2,31}$/;
var SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;
var SUB = /^[A-Za-z0-9._-]{1,64}$/;
var escape = /* @__PURE__ */ __name((s) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"), "escape");
var LISTED = new RegExp(
  crawlers.split("\n").filter((l) => l && !l.startsWith("#")).map((l) => {
    const [kind, text] = l.split("	");
    const t = escape(text);
    return kind === "start" ? `^${t}` : kind === "end" ? `${t}$` : kind === "whole" ? `^${t}$` : t;
  }).join("|")
);
function filtered(request, agent) {
  for (const h2 of ["purpose", "sec-purpose", "x-moz", "x-purpose"]) {
    const v2 = request.headers.get(h2);
    if (v2 && (v2.includes("prefetch") || v2.includes("preview"))) return "prefetch";
  }
  const lower = agent.toLowerCase();
  if (!lower.trim()) return "no_user_agent";
  if (PREVIEW.some((m) => lower.includes(m))) return "link_preview";
  if (SCRIPT.some((m) => lower.includes(m))) return "script";
  if (CRAWLER.some((m) => lower.includes(m)) || LISTED.test(agent)) return "crawler";
  if (DATACENTER.has(request.cf && request.cf.asn)) return "datacenter";
  return null;
}
__name(filtered, "filtered");
var keyPromise;
var hmacKey = /* @__PURE__ */ __name((env) => keyPromise ??= crypto.subtle.importKey("raw", new TextEncoder().encode(env.SESSION_SECRET), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]), "hmacKey");
var hex = /* @__PURE__ */ __name((bytes) => [...new Uint8Array(bytes)].map((b2) => b2.toString(16).padStart(2, "0")).join(""), "hex");
function agentClass(agent) {
  if (agent.includes("iPad") || agent.includes("Tablet")) return "tablet";
  if (agent.includes("Mobi") || agent.includes("Android") || agent.includes("iPhone")) return "mobile";
  return agent.startsWith("Mozilla/") ? "desktop" : "other";
}
__name(agentClass, "agentClass");
var js_queue_worker_default = {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    const parts = url.pathname.replace(/\/$/, "").split("/");
    const [, r2, code, slug, extra] = parts;
    if (r2 !== "r" || !CODE.test(code || "") || slug !== void 0 && !SLUG.test(slug) || extra !== void 0) {
      return new Response("Not found", { status: 404 });
    }
    const entry = await env.LINKS.get(`link:${code}`, "json");
    const link = entry && (slug ? entry.links[slug] && { slug, ...entry.links[slug] } : entry.default);
    if (!link) return new Response("Not found", { status: 404 });
    const target = new URL(link.url);
    const agent = request.headers.get("user-agent") || "";
    const now = Math.floor(Date.now() / 1e3);
    const sub = url.searchParams.get("sub");
    const cleanSub = sub && SUB.test(sub) ? sub : null;
    const reason = filtered(request, agent);
    let id = null;
    if (!reason) {
      id = now.toString(16).padStart(8, "0") + hex(crypto.getRandomValues(new Uint8Array(8)));
      target.searchParams.append(entry.click_param, id);
    }
    target.searchParams.append(entry.partner_param, code);
    for (const name of CARRIED) {
      const v2 = name === "sub" ? cleanSub : url.searchParams.get(name);
      if (v2 && v2.length <= 100) target.searchParams.append(name, v2);
    }
    let message;
    if (id) {
      const ip = request.headers.get("cf-connecting-ip") || "unknown";
      const data = new TextEncoder().encode(`visitor\0${Math.floor(now / 86400)}|${ip}|${agent}`);
      const visitor = hex(await crypto.subtle.sign("HMAC", await hmacKey(env), data)).slice(0, 32);
      let referrerHost = null;
      try {
        referrerHost = new URL(request.headers.get("referer")).hostname.slice(0, 253);
      } catch {
      }
      const country = request.headers.get("cf-ipcountry");
      message = {
        kind: "counted",
        id,
        partner: code,
        program: link.program,
        slug: link.slug,
        sub: cleanSub,
        referrer_host: referrerHost,
        country: /^[A-Z]{2}$/.test(country || "") ? country : null,
        agent: agentClass(agent),
        visitor,
        ad_param: AD_PARAMS.find((p) => url.searchParams.get(p)) || null,
        created_at: now
      };
    } else {
      const ms = BigInt(Date.now());
      const random = BigInt(crypto.getRandomValues(new Uint32Array(1))[0] >>> 10);
      message = { kind: "filtered", id: (ms << 22n | random).toString(), partner: code, slug: link.slug, sub: cleanSub, reason, detail: null, created_at: now };
    }
    ctx.waitUntil(env.CLICKS.send(message));
    return new Response(null, {
      status: 302,
      headers: {
        location: target.href,
        "cache-control": "private, no-store",
        "x-content-type-options": "nosniff",
        "referrer-policy": "strict-origin-when-cross-origin",
        "strict-transport-security": "max-age=31536000; includeSubDomains"
      }
    });
  },
  // The project's statements (worker/src/store/clicks.rs): a click, or past click_burst one
  // not counted; each batch in one D1 batch.
  async queue(batch, env) {
    const BURST = "EXISTS (SELECT 1 FROM click_burst b WHERE b.clicks <= (SELECT count(*) FROM (SELECT 1 FROM clicks INDEXED BY clicks_by_visitor WHERE partner = ?2 AND visitor = ?9 AND created_at > ?12 - b.seconds AND created_at <= ?12 LIMIT (SELECT clicks FROM click_burst))))";
    const statements = [];
    for (const { body: m } of batch.messages) {
      if (m.kind === "counted") {
        const args = [m.id, m.partner, m.program, m.slug, m.sub, m.referrer_host, m.country, m.agent, m.visitor, null, m.ad_param, m.created_at];
        statements.push(env.DB.prepare(
          `INSERT OR IGNORE INTO clicks (id, partner, program, slug, sub, referrer_host, country, agent, visitor, address, ad_param, created_at) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12 WHERE NOT ${BURST}`
        ).bind(...args));
        const second = parseInt(m.id.slice(0, 8), 16);
        const repeated = (BigInt(second * 1e3) << 22n | BigInt("0x" + m.id.slice(8)) & 0x3fffffn).toString();
        statements.push(env.DB.prepare(
          `INSERT OR IGNORE INTO filtered_clicks (id, partner, slug, sub, reason, detail, created_at) SELECT ?3, ?2, ?4, ?5, 'repeated', NULL, ?12 WHERE NOT EXISTS (SELECT 1 FROM clicks WHERE id = ?1) AND ${BURST}`
        ).bind(m.id, m.partner, repeated, m.slug, m.sub, null, null, null, m.visitor, null, null, m.created_at));
      } else {
        statements.push(env.DB.prepare(
          "INSERT OR IGNORE INTO filtered_clicks (id, partner, slug, sub, reason, detail, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
        ).bind(m.id, m.partner, m.slug, m.sub, m.reason, m.detail, m.created_at));
      }
    }
    await env.DB.batch(statements);
    batch.ackAll();
  }
};

// index.mjs
var workers = { ours: entry_default, js: js_queue_worker_default };
var index_default = {
  async fetch(request, env) {
    const url = new URL(request.url);
    const worker = workers[url.searchParams.get("worker")];
    const n = Number(url.searchParams.get("n") || 1);
    if (url.pathname !== "/loop" || !worker) return new Response("GET /loop?worker=ours|js&n=N\n", { status: 404 });
    const value = await env.LINKS.get("link:abc123");
    if (value === null) return new Response("no link:abc123 in KV (run `partner-center deploy --local` first)\n", { status: 500 });
    const loopEnv = {
      ...env,
      LINKS: { get: /* @__PURE__ */ __name(async (key, type) => key === "link:abc123" ? type === "json" ? JSON.parse(value) : value : null, "get") },
      CLICKS: { send: /* @__PURE__ */ __name(async (message) => void sent.push(message), "send") }
    };
    const sent = [];
    const pending = [];
    const ctx = { waitUntil: /* @__PURE__ */ __name((p) => pending.push(p), "waitUntil"), passThroughOnException() {
    } };
    const model = new Request(new URL("/r/abc123/home", url), request);
    let last;
    for (let i2 = 0; i2 < n; i2++) {
      last = await worker.fetch(new Request(model), loopEnv, ctx);
      if (pending.length > 1e3) await Promise.all(pending.splice(0));
    }
    await Promise.all(pending);
    if (url.searchParams.get("store")) {
      for (let i2 = 0; i2 < sent.length; i2 += 100) {
        const messages = sent.slice(i2, i2 + 100).map((body) => ({ body, ack() {
        }, retry() {
        } }));
        await worker.queue({ queue: "clicks", messages, ackAll() {
        }, retryAll() {
        } }, env);
      }
    }
    return new Response(`${last.status} ${last.headers.get("location")}
`);
  }
};

// ../../node_modules/wrangler/templates/middleware/middleware-ensure-req-body-drained.ts
var drainBody = /* @__PURE__ */ __name(async (request, env, _ctx, middlewareCtx) => {
  try {
    return await middlewareCtx.next(request, env);
  } finally {
    try {
      if (request.body !== null && !request.bodyUsed) {
        const reader = request.body.getReader();
        while (!(await reader.read()).done) {
        }
      }
    } catch (e) {
      console.error("Failed to drain the unused request body.", e);
    }
  }
}, "drainBody");
var middleware_ensure_req_body_drained_default = drainBody;

// ../../node_modules/wrangler/templates/middleware/middleware-miniflare3-json-error.ts
function reduceError(e) {
  return {
    name: e?.name,
    message: e?.message ?? String(e),
    stack: e?.stack,
    cause: e?.cause === void 0 ? void 0 : reduceError(e.cause)
  };
}
__name(reduceError, "reduceError");
var jsonError = /* @__PURE__ */ __name(async (request, env, _ctx, middlewareCtx) => {
  try {
    return await middlewareCtx.next(request, env);
  } catch (e) {
    const error = reduceError(e);
    return Response.json(error, {
      status: 500,
      headers: { "MF-Experimental-Error-Stack": "true" }
    });
  }
}, "jsonError");
var middleware_miniflare3_json_error_default = jsonError;

// .wrangler/tmp/bundle-yKnJhh/middleware-insertion-facade.js
var __INTERNAL_WRANGLER_MIDDLEWARE__ = [
  middleware_ensure_req_body_drained_default,
  middleware_miniflare3_json_error_default
];
var middleware_insertion_facade_default = index_default;

// ../../node_modules/wrangler/templates/middleware/common.ts
var __facade_middleware__ = [];
function __facade_register__(...args) {
  __facade_middleware__.push(...args.flat());
}
__name(__facade_register__, "__facade_register__");
function __facade_invokeChain__(request, env, ctx, dispatch, middlewareChain) {
  const [head, ...tail] = middlewareChain;
  const middlewareCtx = {
    dispatch,
    next(newRequest, newEnv) {
      return __facade_invokeChain__(newRequest, newEnv, ctx, dispatch, tail);
    }
  };
  return head(request, env, ctx, middlewareCtx);
}
__name(__facade_invokeChain__, "__facade_invokeChain__");
function __facade_invoke__(request, env, ctx, dispatch, finalMiddleware) {
  return __facade_invokeChain__(request, env, ctx, dispatch, [
    ...__facade_middleware__,
    finalMiddleware
  ]);
}
__name(__facade_invoke__, "__facade_invoke__");

// .wrangler/tmp/bundle-yKnJhh/middleware-loader.entry.ts
var __Facade_ScheduledController__ = class ___Facade_ScheduledController__ {
  constructor(scheduledTime, cron, noRetry) {
    this.scheduledTime = scheduledTime;
    this.cron = cron;
    this.#noRetry = noRetry;
  }
  static {
    __name(this, "__Facade_ScheduledController__");
  }
  #noRetry;
  noRetry() {
    if (!(this instanceof ___Facade_ScheduledController__)) {
      throw new TypeError("Illegal invocation");
    }
    this.#noRetry();
  }
};
function wrapExportedHandler(worker) {
  if (__INTERNAL_WRANGLER_MIDDLEWARE__ === void 0 || __INTERNAL_WRANGLER_MIDDLEWARE__.length === 0) {
    return worker;
  }
  for (const middleware of __INTERNAL_WRANGLER_MIDDLEWARE__) {
    __facade_register__(middleware);
  }
  const fetchDispatcher = /* @__PURE__ */ __name(function(request, env, ctx) {
    if (worker.fetch === void 0) {
      throw new Error("Handler does not export a fetch() function.");
    }
    return worker.fetch(request, env, ctx);
  }, "fetchDispatcher");
  return {
    ...worker,
    fetch(request, env, ctx) {
      const dispatcher = /* @__PURE__ */ __name(function(type, init) {
        if (type === "scheduled" && worker.scheduled !== void 0) {
          const controller = new __Facade_ScheduledController__(
            Date.now(),
            init.cron ?? "",
            () => {
            }
          );
          return worker.scheduled(controller, env, ctx);
        }
      }, "dispatcher");
      return __facade_invoke__(request, env, ctx, dispatcher, fetchDispatcher);
    }
  };
}
__name(wrapExportedHandler, "wrapExportedHandler");
function wrapWorkerEntrypoint(klass) {
  if (__INTERNAL_WRANGLER_MIDDLEWARE__ === void 0 || __INTERNAL_WRANGLER_MIDDLEWARE__.length === 0) {
    return klass;
  }
  for (const middleware of __INTERNAL_WRANGLER_MIDDLEWARE__) {
    __facade_register__(middleware);
  }
  return class extends klass {
    #fetchDispatcher = /* @__PURE__ */ __name((request, env, ctx) => {
      this.env = env;
      this.ctx = ctx;
      if (super.fetch === void 0) {
        throw new Error("Entrypoint class does not define a fetch() function.");
      }
      return super.fetch(request);
    }, "#fetchDispatcher");
    #dispatcher = /* @__PURE__ */ __name((type, init) => {
      if (type === "scheduled" && super.scheduled !== void 0) {
        const controller = new __Facade_ScheduledController__(
          Date.now(),
          init.cron ?? "",
          () => {
          }
        );
        return super.scheduled(controller);
      }
    }, "#dispatcher");
    fetch(request) {
      return __facade_invoke__(
        request,
        this.env,
        this.ctx,
        this.#dispatcher,
        this.#fetchDispatcher
      );
    }
  };
}
__name(wrapWorkerEntrypoint, "wrapWorkerEntrypoint");
var WRAPPED_ENTRY;
if (typeof middleware_insertion_facade_default === "object") {
  WRAPPED_ENTRY = wrapExportedHandler(middleware_insertion_facade_default);
} else if (typeof middleware_insertion_facade_default === "function") {
  WRAPPED_ENTRY = wrapWorkerEntrypoint(middleware_insertion_facade_default);
}
var middleware_loader_entry_default = WRAPPED_ENTRY;
export {
  __INTERNAL_WRANGLER_MIDDLEWARE__,
  middleware_loader_entry_default as default
};
//# sourceMappingURL=index.js.map
