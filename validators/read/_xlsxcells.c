/* Cells of one block of worksheet XML, classified in one pass (the streaming XLSX reader's hot loop).
 *
 * validators/read/xlsxsheet.py scans a block with numpy; this does the same classification in a
 * single walk from one "<" to the next, without the GIL.  It reads nothing past the buffer (every
 * look-ahead is bounded by its length) and only writes into the caller's arrays (bounded by their
 * length).  For each cell tag "<c " it writes the sheet row, the 0-based column, a kind and two
 * offsets, and where its tag starts:
 *   EMPTY   <c …/> or <c …></c>                    (no value)
 *   SHARED  <c … t="s"><v>N</v>                     s = N (the shared string's index)
 *   INLINE  <c … t="inlineStr"><is><t>…</t></is>   s, e = the text (no "&", CR, "_x")
 *   ENTITY  the same holding "&" but no "&#"        s, e = the text (named entities to replace)
 *   NUMBER  <c …[ s="K"][ t="n"]><v>…</v> in a plain number format (style K)   s, e = the value
 *   SLOW    anything else (read in Python from the cell's XML, up to the next cell)
 * Whatever the numpy scanner refuses as irregular (a cell without r=, rows out of order, a cell
 * reference naming another row, text between tags, a shared index that is no number …) returns its reason as a
 * str, and the caller hands the sheet to calamine.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

enum { EMPTY = 0, SHARED = 1, INLINE = 2, ENTITY = 3, NUMBER = 4, SLOW = 5 };

#define MAX_PREFIX 32
#define PAD 48

typedef struct {
    const unsigned char *b;
    Py_ssize_t n;       /* the XML's bytes; the pad follows */
    Py_ssize_t total;   /* the buffer's length */
} Buf;

typedef struct {
    unsigned char s[2 * MAX_PREFIX + 32];   /* the longest, "</t></is>" with two prefixes, takes 2 * prefix + 9 */
    Py_ssize_t len;
} Pat;

static int at(const Buf *B, Py_ssize_t i, const Pat *p)
{
    return i >= 0 && i + p->len <= B->total && memcmp(B->b + i, p->s, (size_t)p->len) == 0;
}

static int at_s(const Buf *B, Py_ssize_t i, const char *s)
{
    size_t len = strlen(s);
    return i >= 0 && i + (Py_ssize_t)len <= B->total && memcmp(B->b + i, s, len) == 0;
}

static unsigned char byte(const Buf *B, Py_ssize_t i)
{
    return (i >= 0 && i < B->total) ? B->b[i] : 0;
}

static Py_ssize_t next_lt(const Buf *B, Py_ssize_t from)
{
    if (from >= B->n)
        return B->n;
    const unsigned char *q = memchr(B->b + from, '<', (size_t)(B->n - from));
    return q ? q - B->b : B->n;
}

/* "<" prefix a, "<" prefix b … : a pattern with the namespace prefix before each tag name */
static void pattern(Pat *out, const unsigned char *prefix, Py_ssize_t plen, const char *const *parts, int nparts)
{
    out->len = 0;
    for (int k = 0; k < nparts; k++) {
        const char *part = parts[k];
        size_t lead = (part[0] == '<' && part[1] == '/') ? 2 : 1;
        memcpy(out->s + out->len, part, lead);
        out->len += (Py_ssize_t)lead;
        memcpy(out->s + out->len, prefix, (size_t)plen);
        out->len += plen;
        size_t rest = strlen(part) - lead;
        memcpy(out->s + out->len, part + lead, rest);
        out->len += (Py_ssize_t)rest;
    }
}

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

static PyObject *scan(PyObject *self, PyObject *args)
{
    Py_buffer block, prefix, plain, rows_o, cols_o, at_o, kind_o, s_o, e_o;
    Py_ssize_t n;
    int want_raw;
    if (!PyArg_ParseTuple(args, "y*ny*y*pw*w*w*w*w*w*", &block, &n, &prefix, &plain, &want_raw,
                          &rows_o, &cols_o, &at_o, &kind_o, &s_o, &e_o))
        return NULL;
    PyObject *result = NULL;
    const char *err = NULL;
    Py_ssize_t cap = rows_o.len / 4;
    if (cols_o.len / 4 < cap) cap = cols_o.len / 4;
    if (kind_o.len < cap) cap = kind_o.len;
    if (at_o.len / 4 < cap) cap = at_o.len / 4;
    if (s_o.len / 4 < cap) cap = s_o.len / 4;
    if (e_o.len / 4 < cap) cap = e_o.len / 4;
    if (prefix.len > MAX_PREFIX || n < 0 || n + PAD > block.len || n > INT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "a block without its pad or over 2 GB, or a namespace prefix too long");
        goto done;
    }
    Buf B = {(const unsigned char *)block.buf, n, block.len};
    const unsigned char *P = (const unsigned char *)prefix.buf;
    Py_ssize_t plen = prefix.len;
    const unsigned char *plain_t = (const unsigned char *)plain.buf;
    Py_ssize_t nplain = plain.len;
    int32_t *rows = (int32_t *)rows_o.buf, *cols = (int32_t *)cols_o.buf, *AT = (int32_t *)at_o.buf;
    unsigned char *kind = (unsigned char *)kind_o.buf;
    int32_t *S = (int32_t *)s_o.buf, *E = (int32_t *)e_o.buf;

    Pat v_open, v_close, c_close, is_t, t_is_close, t_pres;
    { const char *x[] = {"<v>"}; pattern(&v_open, P, plen, x, 1); }
    { const char *x[] = {"</v>"}; pattern(&v_close, P, plen, x, 1); }
    { const char *x[] = {"</c>"}; pattern(&c_close, P, plen, x, 1); }
    { const char *x[] = {"<is>", "<t"}; pattern(&is_t, P, plen, x, 2); }
    { const char *x[] = {"</t>", "</is>"}; pattern(&t_is_close, P, plen, x, 2); }
    { const char *x[] = {"<t xml:space=\"preserve\">"}; pattern(&t_pres, P, plen, x, 1); }

    Py_ssize_t nc = 0;
    int64_t first_row = 0, last_row = 0, nrows = 0, cur_row = 0;
    Py_ssize_t row_digits = 0, row_nd = 0;
    int32_t last_col = -1, max_col = -1;
    const char *row_err = NULL;
    int have_row = 0;

    Py_BEGIN_ALLOW_THREADS
    Py_ssize_t resume = 0;
    for (Py_ssize_t i = next_lt(&B, 0); i < n; i = next_lt(&B, resume)) {
        Py_ssize_t t = i + 1;
        resume = i + 1;
        if (plen && memcmp(B.b + t, P, (size_t)plen) != 0)
            continue;
        t += plen;                                  /* t + 3 < n + PAD: within the buffer */
        unsigned char c0 = B.b[t], c1 = B.b[t + 1];
        if (c0 == 'r' && c1 == 'o' && B.b[t + 2] == 'w' && B.b[t + 3] == ' ') {
            Py_ssize_t rs = t + 4;                  /* r="N" first */
            if (!at_s(&B, rs, "r=\"")) { if (!row_err) row_err = "row without r first"; continue; }
            int64_t num = 0;
            Py_ssize_t nd = 0;
            while (nd < 8 && is_digit(byte(&B, rs + 3 + nd))) { num = num * 10 + (B.b[rs + 3 + nd] - '0'); nd++; }
            if (!nd || byte(&B, rs + 3 + nd) != '"') { if (!row_err) row_err = "row number"; continue; }
            if (nrows && num <= last_row && !row_err) row_err = "rows out of order";
            if (!nrows) first_row = num;
            nrows++;
            last_row = cur_row = num;
            row_digits = rs + 3;
            row_nd = nd;
            last_col = -1;
            have_row = 1;
            continue;
        }
        if (c0 != 'c')
            continue;
        if (c1 == '>' || c1 == '/') { err = "cell without reference"; break; }
        if (c1 != ' ')
            continue;
        /* a cell */
        if (!have_row) { err = "cell outside a row"; break; }
        if (nc >= cap) { err = "too many cells for the buffers"; break; }
        Py_ssize_t cs = t + 2;
        if (!at_s(&B, cs, "r=\"")) { err = "cell without r first"; break; }
        int l[4];
        for (int j = 0; j < 4; j++) l[j] = (int)byte(&B, cs + 3 + j) - 64;
        int u1 = l[1] >= 1 && l[1] <= 26, u2 = l[2] >= 1 && l[2] <= 26;
        if (l[0] < 1 || l[0] > 26 || (l[3] >= 1 && l[3] <= 26)) { err = "cell reference"; break; }
        Py_ssize_t nlet = 1 + u1 + (u1 && u2);
        int32_t col = (u1 ? (u2 ? (l[0] * 26 + l[1]) * 26 + l[2] : l[0] * 26 + l[1]) : l[0]) - 1;
        Py_ssize_t refrow = cs + 3 + nlet;
        if (refrow + row_nd >= B.total || memcmp(B.b + refrow, B.b + row_digits, (size_t)row_nd) != 0
                || B.b[refrow + row_nd] != '"') { err = "cell row differs from its row"; break; }
        if (col <= last_col) { err = "cells out of order"; break; }
        last_col = col;
        if (col > max_col) max_col = col;
        Py_ssize_t q = refrow + row_nd + 1;         /* after the reference's closing quote */
        Py_ssize_t nxt = next_lt(&B, i + 1), t_tag = next_lt(&B, nxt + 1), t_end = next_lt(&B, t_tag + 1);
        Py_ssize_t gt = nxt - 1;
        if (byte(&B, gt) != '>') { err = "text between tags"; break; }
        unsigned char k = SLOW;
        int64_t s = 0, e = 0;
        if (byte(&B, gt - 1) == '/') {
            k = EMPTY;
        } else if (at_s(&B, gt - 6, " t=\"s\">") && at(&B, nxt, &v_open) && at(&B, t_tag, &v_close)) {
            Py_ssize_t vs = nxt + 3 + plen, len = t_tag - vs;
            if (len < 1 || len > 9) { err = "shared index"; break; }
            int64_t idx = 0;
            int bad = 0;
            for (Py_ssize_t j = 0; j < len; j++) {
                unsigned char d = B.b[vs + j];
                if (!is_digit(d)) { bad = 1; break; }
                idx = idx * 10 + (d - '0');
            }
            if (bad) { err = "shared index"; break; }
            k = SHARED;
            s = idx;
            e = 0;
        } else if (at_s(&B, gt - 14, " t=\"inlineStr\">") && at(&B, nxt, &is_t)) {
            unsigned char t2 = byte(&B, t_tag + 2 + plen);
            int pres = t2 == ' ' && at(&B, t_tag, &t_pres);
            if ((t2 == '>' || pres) && at(&B, t_end, &t_is_close)) {
                Py_ssize_t ts = pres ? t_tag + t_pres.len : t_tag + 3 + plen, te = t_end;
                int hard = 0, amp = 0;
                for (Py_ssize_t j = ts; j < te && !hard; j++) {
                    unsigned char ch = B.b[j];
                    if (!(ch == '\r' || ch == '_' || ch == '&'))
                        continue;
                    if (ch == '\r') hard = 1;
                    else if (ch == '_') hard = B.b[j + 1] == 'x';
                    else if (B.b[j + 1] == '#') hard = 1;
                    else amp = 1;
                }
                unsigned char e0 = B.b[ts], e1 = te > 0 ? B.b[te - 1] : 0;
                int edge = !pres && te > ts && (e0 == ' ' || e0 == '\t' || e0 == '\n'
                                                || e1 == ' ' || e1 == '\t' || e1 == '\n');
                if (!hard && !edge) {
                    k = amp ? ENTITY : INLINE;
                    s = ts;
                    e = te;
                }
            }
        }
        if (k == SLOW && at(&B, nxt, &c_close)) {
            k = EMPTY;
        } else if (k == SLOW && !want_raw && at(&B, nxt, &v_open) && at(&B, t_tag, &v_close)) {
            int ok = 0;
            if (byte(&B, q) == '>' || at_s(&B, q, " t=\"n\">")) {
                ok = nplain > 0 && plain_t[0];
            } else if (at_s(&B, q, " s=\"")) {
                int64_t style = 0;
                Py_ssize_t nd = 0;
                while (nd < 5 && is_digit(byte(&B, q + 4 + nd))) { style = style * 10 + (B.b[q + 4 + nd] - '0'); nd++; }
                Py_ssize_t end = q + 5 + nd;
                if (nd && byte(&B, end - 1) == '"' && (byte(&B, end) == '>' || at_s(&B, end, " t=\"n\">")))
                    ok = style < nplain && plain_t[style];
            }
            if (ok) {
                k = NUMBER;
                s = nxt + 3 + plen;
                e = t_tag;
            }
        }
        if (k != SLOW && k != EMPTY)
            resume = t_end;                         /* the tags before are the value's: no cell, no row */
        rows[nc] = (int32_t)cur_row;
        cols[nc] = col;
        AT[nc] = (int32_t)i;
        kind[nc] = k;
        S[nc] = (int32_t)s;
        E[nc] = (int32_t)e;
        nc++;
    }
    Py_END_ALLOW_THREADS

    if (!err && nc && row_err) err = row_err;
    if (err)
        result = PyUnicode_FromString(err);
    else if (!nc)
        result = Py_BuildValue("(nLLi)", (Py_ssize_t)0, (long long)0, (long long)0, 0);
    else
        result = Py_BuildValue("(nLLi)", nc, (long long)first_row, (long long)last_row, (int)(max_col + 1));
done:
    PyBuffer_Release(&block);
    PyBuffer_Release(&prefix);
    PyBuffer_Release(&plain);
    PyBuffer_Release(&rows_o);
    PyBuffer_Release(&cols_o);
    PyBuffer_Release(&kind_o);
    PyBuffer_Release(&s_o);
    PyBuffer_Release(&e_o);
    return result;
}

/* charrefs(block): the block with each decimal character reference to a non-ASCII character
 * ("&#23454;", 1 to 7 digits, U+0080 to U+10FFFF but no surrogate, as some writers store all
 * Chinese text) replaced by its UTF-8 bytes; None when the block holds fewer than 16 "&#" or none
 * of them is such a reference.  The same as xlsxsheet._charrefs_numpy, in one pass without the
 * GIL.  A reference is at least 6 bytes and its character at most 4, so the result is shorter. */
static Py_ssize_t decode_charrefs(const unsigned char *b, Py_ssize_t n, unsigned char *out, Py_ssize_t *decoded)
{
    Py_ssize_t i = 0, o = 0;
    while (i < n) {
        const unsigned char *p = memchr(b + i, '&', (size_t)(n - i));
        if (!p)
            break;
        Py_ssize_t k = p - b;
        if (k + 1 < n && b[k + 1] == '#') {
            Py_ssize_t j = k + 2;
            long val = 0;
            int nd = 0;
            while (nd < 7 && j < n && b[j] >= '0' && b[j] <= '9') {
                val = val * 10 + (b[j] - '0');
                j++;
                nd++;
            }
            if (nd > 0 && j < n && b[j] == ';' && val >= 0x80 && val <= 0x10FFFF && (val < 0xD800 || val > 0xDFFF)) {
                memcpy(out + o, b + i, (size_t)(k - i));
                o += k - i;
                if (val < 0x800) {
                    out[o++] = (unsigned char)(0xC0 | (val >> 6));
                } else if (val < 0x10000) {
                    out[o++] = (unsigned char)(0xE0 | (val >> 12));
                    out[o++] = (unsigned char)(0x80 | ((val >> 6) & 0x3F));
                } else {
                    out[o++] = (unsigned char)(0xF0 | (val >> 18));
                    out[o++] = (unsigned char)(0x80 | ((val >> 12) & 0x3F));
                    out[o++] = (unsigned char)(0x80 | ((val >> 6) & 0x3F));
                }
                out[o++] = (unsigned char)(0x80 | (val & 0x3F));
                (*decoded)++;
                i = j + 1;
                continue;
            }
        }
        memcpy(out + o, b + i, (size_t)(k + 1 - i));
        o += k + 1 - i;
        i = k + 1;
    }
    memcpy(out + o, b + i, (size_t)(n - i));
    return o + (n - i);
}

static PyObject *charrefs(PyObject *self, PyObject *arg)
{
    Py_buffer in;
    if (!PyArg_Parse(arg, "y*", &in))
        return NULL;
    const unsigned char *b = (const unsigned char *)in.buf;
    Py_ssize_t n = in.len, refs = 0, decoded = 0, size = 0;
    PyObject *result = NULL;
    for (Py_ssize_t i = 0; i + 1 < n && refs < 16;) {
        const unsigned char *p = memchr(b + i, '&', (size_t)(n - 1 - i));
        if (!p)
            break;
        refs += p[1] == '#';
        i = (p - b) + 1;
    }
    if (refs < 16) {
        result = Py_None;
        Py_INCREF(result);
        goto done;
    }
    result = PyBytes_FromStringAndSize(NULL, n);
    if (!result)
        goto done;
    Py_BEGIN_ALLOW_THREADS
    size = decode_charrefs(b, n, (unsigned char *)PyBytes_AS_STRING(result), &decoded);
    Py_END_ALLOW_THREADS
    if (!decoded) {
        Py_DECREF(result);
        result = Py_None;
        Py_INCREF(result);
    } else if (_PyBytes_Resize(&result, size) < 0) {
        result = NULL;
    }
done:
    PyBuffer_Release(&in);
    return result;
}

static PyMethodDef methods[] = {
    {"scan", scan, METH_VARARGS,
     "scan(block, n, prefix, plain, want_raw, rows, cols, tags, kinds, starts, ends) -> "
     "(cells, first row, last row, width) or the reason the block is irregular (str)"},
    {"charrefs", charrefs, METH_O,
     "charrefs(block) -> the block with its decimal references to non-ASCII characters decoded, "
     "or None (fewer than 16 \"&#\", or none to decode)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_xlsxcells",
                                    "One-pass classification of an XLSX block's cells (see xlsxsheet.py).",
                                    -1, methods};

PyMODINIT_FUNC PyInit__xlsxcells(void) { return PyModule_Create(&module); }
