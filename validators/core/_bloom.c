/* The split-block Bloom filter of validators/core/valueindex.py (_Bloom), in one pass per hash.
 *
 * A value's 64-bit hash h picks block (h >> 32) % blocks of 8 uint32 words, and sets in word j
 * the bit (low32(h) * SALT[j]) >> 27 (uint32 arithmetic), as Parquet's filter does.  numpy does
 * the same with an argsort and a scatter per chunk; here each hash costs one block's cache line.
 * The words array and the hashes are the caller's numpy arrays; nothing is read or written
 * outside them (a block index is taken modulo the number of blocks the buffer holds).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

static const uint32_t SALT[8] = {0x47B6137Bu, 0x44974D91u, 0x8824AD5Bu, 0xA2B7289Du,
                                 0x705495C7u, 0x2DF1424Bu, 0x9EFC4947u, 0x5C6BFB31u};

static int get(PyObject *words_obj, PyObject *hashes_obj, Py_buffer *words, Py_buffer *hashes)
{
    if (PyObject_GetBuffer(words_obj, words, PyBUF_WRITABLE) < 0)
        return -1;
    if (PyObject_GetBuffer(hashes_obj, hashes, PyBUF_SIMPLE) < 0) {
        PyBuffer_Release(words);
        return -1;
    }
    if (words->len < 32 || words->len % 32 != 0 || hashes->len % 8 != 0) {
        PyBuffer_Release(words);
        PyBuffer_Release(hashes);
        PyErr_SetString(PyExc_ValueError, "words must hold whole 32-byte blocks and hashes whole uint64s");
        return -1;
    }
    return 0;
}

static PyObject *bloom_add(PyObject *self, PyObject *args)
{
    PyObject *words_obj, *hashes_obj;
    if (!PyArg_ParseTuple(args, "OO", &words_obj, &hashes_obj))
        return NULL;
    Py_buffer words, hashes;
    if (get(words_obj, hashes_obj, &words, &hashes) < 0)
        return NULL;
    uint32_t *w = (uint32_t *)words.buf;
    const uint64_t *h = (const uint64_t *)hashes.buf;
    uint64_t blocks = (uint64_t)(words.len / 32);
    Py_ssize_t n = hashes.len / 8;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < n; i++) {
        uint32_t *block = w + 8 * ((h[i] >> 32) % blocks);
        uint32_t low = (uint32_t)h[i];
        for (int j = 0; j < 8; j++)
            block[j] |= 1u << ((low * SALT[j]) >> 27);
    }
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&words);
    PyBuffer_Release(&hashes);
    Py_RETURN_NONE;
}

static PyObject *bloom_holds(PyObject *self, PyObject *args)
{
    PyObject *words_obj, *hashes_obj, *out_obj;
    if (!PyArg_ParseTuple(args, "OOO", &words_obj, &hashes_obj, &out_obj))
        return NULL;
    Py_buffer words, hashes, out;
    if (get(words_obj, hashes_obj, &words, &hashes) < 0)
        return NULL;
    if (PyObject_GetBuffer(out_obj, &out, PyBUF_WRITABLE) < 0) {
        PyBuffer_Release(&words);
        PyBuffer_Release(&hashes);
        return NULL;
    }
    Py_ssize_t n = hashes.len / 8;
    if (out.len < n) {
        PyBuffer_Release(&words);
        PyBuffer_Release(&hashes);
        PyBuffer_Release(&out);
        PyErr_SetString(PyExc_ValueError, "out must hold one byte per hash");
        return NULL;
    }
    const uint32_t *w = (const uint32_t *)words.buf;
    const uint64_t *h = (const uint64_t *)hashes.buf;
    unsigned char *o = (unsigned char *)out.buf;
    uint64_t blocks = (uint64_t)(words.len / 32);
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < n; i++) {
        const uint32_t *block = w + 8 * ((h[i] >> 32) % blocks);
        uint32_t low = (uint32_t)h[i];
        int all = 1;
        for (int j = 0; j < 8; j++) {
            uint32_t mask = 1u << ((low * SALT[j]) >> 27);
            all &= (block[j] & mask) == mask;
        }
        o[i] = (unsigned char)all;
    }
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&words);
    PyBuffer_Release(&hashes);
    PyBuffer_Release(&out);
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"bloom_add", bloom_add, METH_VARARGS,
     "bloom_add(words, hashes): set each uint64 hash's 8 bits in the uint32 words (blocks of 8)."},
    {"bloom_holds", bloom_holds, METH_VARARGS,
     "bloom_holds(words, hashes, out): out[i] = 1 where all 8 bits of hash i are set, else 0."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_bloom", NULL, -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__bloom(void)
{
    return PyModule_Create(&module);
}
