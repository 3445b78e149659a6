/* Two walks over the buffers of an arrow text array, for validators/core/rows.py.
 *
 * edge_space: whether any value begins or ends with whitespace (the trim test of trim_arrow).
 *
 * Arrow's utf8_trim_whitespace copies every value to find out; a real export's columns almost never
 * hold a value with a leading or trailing space, so this walks the offsets once, reading the first
 * and the last code point of each value, and says whether trimming could change anything.  The
 * whitespace is arrow's: ASCII \t \n \v \f \r, 0x1C-0x20, and U+0085, U+00A0, U+1680,
 * U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000.  It reads nothing outside the two
 * buffers: an offset out of order or out of range answers "yes" (the caller then trims with arrow).
 *
 * nfkc_marks: which values hold a character of the ranges NFKC folds in Chinese text (rows.py
 * _NFKC_NEEDED: U+00A0, U+2000-218F, U+2460-24FF, U+2E80-2FDF, U+3000, U+3200-33FF,
 * U+F900-FAFF, U+FE10-FE6F, U+FF01-FFEE), exactly those: the pattern arrow's RE2 would match,
 * decoded only at the lead bytes that can start one (C2, E2, E3, EF).  Malformed offsets answer
 * None (the caller then runs the pattern).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

static int ascii_space(unsigned char c)
{
    return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20);
}

/* p[0..n) starts with a whitespace code point (UTF-8) */
static int space_at(const unsigned char *p, int64_t n)
{
    unsigned char c = p[0];
    if (c < 0x80)
        return ascii_space(c);
    if (c == 0xC2)
        return n >= 2 && (p[1] == 0x85 || p[1] == 0xA0);
    if (n < 3)
        return 0;
    if (c == 0xE1)
        return p[1] == 0x9A && p[2] == 0x80;
    if (c == 0xE2)
        return (p[1] == 0x80 && ((p[2] >= 0x80 && p[2] <= 0x8A) || p[2] == 0xA8 || p[2] == 0xA9 || p[2] == 0xAF))
            || (p[1] == 0x81 && p[2] == 0x9F);
    if (c == 0xE3)
        return p[1] == 0x80 && p[2] == 0x80;
    return 0;
}

/* the value p[0..n) (n >= 1) ends with a whitespace code point */
static int space_last(const unsigned char *p, int64_t n)
{
    unsigned char c = p[n - 1];
    if (c < 0x80)
        return ascii_space(c);
    /* the last code point's lead byte: 0xC0-0xDF two bytes back, 0xE0-0xEF three (four-byte
       code points are never whitespace) */
    if (n >= 2 && p[n - 2] >= 0xC0)
        return p[n - 2] == 0xC2 && (c == 0x85 || c == 0xA0);
    return n >= 3 && p[n - 3] >= 0xE0 && p[n - 3] <= 0xEF && space_at(p + n - 3, 3);
}

/* The buffers of an arrow text array's values first .. first + count - 1 */
typedef struct {
    Py_buffer offs, data;
    int have_data, wide;
    Py_ssize_t first, count;
} Text;

/* 0: open; 1: not offsets of that many values (nothing held); -1: an exception is set */
static int text_open(Text *t, PyObject *offsets_obj, PyObject *data_obj, Py_ssize_t first, Py_ssize_t count, int wide)
{
    if (first < 0 || count < 0) {
        PyErr_SetString(PyExc_ValueError, "first and count must be >= 0");
        return -1;
    }
    t->first = first;
    t->count = count;
    t->wide = wide;
    t->data.buf = NULL;
    t->data.len = 0;
    t->have_data = data_obj != Py_None;
    if (PyObject_GetBuffer(offsets_obj, &t->offs, PyBUF_SIMPLE) < 0)
        return -1;
    if (t->have_data && PyObject_GetBuffer(data_obj, &t->data, PyBUF_SIMPLE) < 0) {
        PyBuffer_Release(&t->offs);
        return -1;
    }
    if ((first + count + 1) * (Py_ssize_t)(wide ? 8 : 4) > t->offs.len) {
        if (t->have_data)
            PyBuffer_Release(&t->data);
        PyBuffer_Release(&t->offs);
        return 1;
    }
    return 0;
}

static void text_close(Text *t)
{
    if (t->have_data)
        PyBuffer_Release(&t->data);
    PyBuffer_Release(&t->offs);
}

/* the offset of value i (0-based from first) */
static int64_t text_offset(const Text *t, Py_ssize_t i)
{
    return t->wide ? ((const int64_t *)t->offs.buf)[t->first + i] : ((const int32_t *)t->offs.buf)[t->first + i];
}

/* value i's bytes as [*start, *start + *n); 0 when the offsets are out of order or range */
static int text_value(const Text *t, Py_ssize_t i, int64_t *start, int64_t *n)
{
    int64_t a = text_offset(t, i), b = text_offset(t, i + 1);
    if (a < 0 || b < a || b > (int64_t)t->data.len)
        return 0;
    *start = a;
    *n = b - a;
    return 1;
}

static PyObject *edge_space(PyObject *self, PyObject *args)
{
    PyObject *offsets_obj, *data_obj;
    Py_ssize_t first, count;
    int wide;
    if (!PyArg_ParseTuple(args, "OOnnp", &offsets_obj, &data_obj, &first, &count, &wide))
        return NULL;
    Text t;
    int opened = text_open(&t, offsets_obj, data_obj, first, count, wide);
    if (opened < 0)
        return NULL;
    if (opened > 0)
        Py_RETURN_TRUE;   /* not the offsets of this many values: let arrow decide */
    int found = 0;
    const unsigned char *d = (const unsigned char *)t.data.buf;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < count; i++) {
        int64_t start, n;
        if (!text_value(&t, i, &start, &n) || (n > 0 && (space_at(d + start, n) || space_last(d + start, n)))) {
            found = 1;
            break;
        }
    }
    Py_END_ALLOW_THREADS
    text_close(&t);
    return PyBool_FromLong(found);
}

/* the value p[0..n) holds a code point of the NFKC ranges */
static int nfkc_needed(const unsigned char *p, int64_t n)
{
    for (int64_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        if (c < 0xC2)
            continue;
        if (c == 0xC2) {
            if (i + 1 < n && p[i + 1] == 0xA0)
                return 1;
            continue;
        }
        if ((c != 0xE2 && c != 0xE3 && c != 0xEF) || i + 2 >= n)
            continue;
        uint32_t cp = ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(p[i + 1] & 0x3F) << 6) | (p[i + 2] & 0x3F);
        if ((cp >= 0x2000 && cp <= 0x218F) || (cp >= 0x2460 && cp <= 0x24FF) || (cp >= 0x2E80 && cp <= 0x2FDF)
                || cp == 0x3000 || (cp >= 0x3200 && cp <= 0x33FF) || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0xFE10 && cp <= 0xFE6F) || (cp >= 0xFF01 && cp <= 0xFFEE))
            return 1;
        i += 2;
    }
    return 0;
}

static PyObject *nfkc_marks(PyObject *self, PyObject *args)
{
    PyObject *offsets_obj, *data_obj, *out_obj;
    Py_ssize_t first, count;
    int wide;
    if (!PyArg_ParseTuple(args, "OOnnpO", &offsets_obj, &data_obj, &first, &count, &wide, &out_obj))
        return NULL;
    Py_buffer out;
    if (PyObject_GetBuffer(out_obj, &out, PyBUF_WRITABLE) < 0)
        return NULL;
    Text t;
    int opened = out.len < count ? 1 : text_open(&t, offsets_obj, data_obj, first, count, wide);
    if (opened != 0) {
        PyBuffer_Release(&out);
        if (opened < 0)
            return NULL;
        Py_RETURN_NONE;
    }
    int64_t marked = 0;
    const unsigned char *d = (const unsigned char *)t.data.buf;
    unsigned char *o = (unsigned char *)out.buf;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < count; i++) {
        int64_t start, n;
        if (!text_value(&t, i, &start, &n)) {
            marked = -1;
            break;
        }
        o[i] = (unsigned char)(n > 0 && nfkc_needed(d + start, n));
        marked += o[i];
    }
    Py_END_ALLOW_THREADS
    text_close(&t);
    PyBuffer_Release(&out);
    if (marked < 0)
        Py_RETURN_NONE;
    return PyLong_FromLongLong(marked);
}

static PyMethodDef methods[] = {
    {"edge_space", edge_space, METH_VARARGS,
     "edge_space(offsets, data, first, count, wide) -> bool: some value of the text array begins or "
     "ends with whitespace (or the offsets are not well formed)."},
    {"nfkc_marks", nfkc_marks, METH_VARARGS,
     "nfkc_marks(offsets, data, first, count, wide, out) -> int or None: out[i] = 1 where value i "
     "holds a character NFKC folds in Chinese text; how many, or None for malformed offsets."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_textedges", NULL, -1, methods};

PyMODINIT_FUNC PyInit__textedges(void)
{
    return PyModule_Create(&module);
}
