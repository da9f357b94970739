/*
 * format.c: the printf engine behind kprintf (kernel) and printf (user).
 * vformat() turns a format and arguments into characters handed one at a
 * time to a sink; snprintf() is vformat() into a bounded buffer.
 */
#include "klib.h"

struct spec {
    int left, zero, plus, space, alt;
    int width, precision;       /* precision -1: none given */
    int size;                   /* 0 int, 1 long, 2 long long, -1 short, 3 size_t */
};

struct out {
    format_sink sink;
    void *arg;
    int count;
};

static void put(struct out *o, char c)
{
    o->sink(c, o->arg);
    o->count++;
}

static void pad(struct out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

static void emit_number(struct out *o, const struct spec *sp, unsigned long long v,
                        int negative, int base, int upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char buf[24];
    int n = 0;
    do {
        buf[n++] = digits[v % base];
        v /= base;
    } while (v);
    if (sp->precision == 0 && n == 1 && buf[0] == '0')
        n = 0;

    /* LAB 1 BEGIN: format: sign and 0x prefixes, precision, field width and padding */
    char prefix[3] = {0};
    int plen = 0;
    if (negative)
        prefix[plen++] = '-';
    else if (sp->plus)
        prefix[plen++] = '+';
    else if (sp->space)
        prefix[plen++] = ' ';
    if (sp->alt && base == 16) {
        prefix[plen++] = '0';
        prefix[plen++] = upper ? 'X' : 'x';
    }

    int zeros = sp->precision > n ? sp->precision - n : 0;
    int total = plen + zeros + n;
    if (sp->zero && !sp->left && sp->precision < 0 && sp->width > total) {
        zeros += sp->width - total;
        total = sp->width;
    }
    if (!sp->left)
        pad(o, ' ', sp->width - total);
    for (int i = 0; i < plen; i++)
        put(o, prefix[i]);
    pad(o, '0', zeros);
    while (n)
        put(o, buf[--n]);
    if (sp->left)
        pad(o, ' ', sp->width - total);
    /* LAB 1 STUB
    (void)pad;
    if (negative)
        put(o, '-');
    while (n)
        put(o, buf[--n]);
    LAB 1 END */
}

static void emit_string(struct out *o, const struct spec *sp, const char *s)
{
    if (!s)
        s = "(null)";
    int n = 0;
    while (s[n] && (sp->precision < 0 || n < sp->precision))
        n++;
    if (!sp->left)
        pad(o, ' ', sp->width - n);
    for (int i = 0; i < n; i++)
        put(o, s[i]);
    if (sp->left)
        pad(o, ' ', sp->width - n);
}

int vformat(format_sink sink, void *arg, const char *fmt, va_list ap)
{
    struct out o = { sink, arg, 0 };

    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        struct spec sp = { .precision = -1 };
        for (;; fmt++) {
            char f = fmt[1];
            if (f == '-') sp.left = 1;
            else if (f == '0') sp.zero = 1;
            else if (f == '+') sp.plus = 1;
            else if (f == ' ') sp.space = 1;
            else if (f == '#') sp.alt = 1;
            else break;
        }
        fmt++;
        if (*fmt == '*') {
            sp.width = va_arg(ap, int);
            if (sp.width < 0) {
                sp.left = 1;
                sp.width = -sp.width;
            }
            fmt++;
        } else {
            while (*fmt >= '0' && *fmt <= '9')
                sp.width = sp.width * 10 + (*fmt++ - '0');
        }
        if (*fmt == '.') {
            fmt++;
            sp.precision = 0;
            if (*fmt == '*') {
                sp.precision = va_arg(ap, int);
                fmt++;
            } else {
                while (*fmt >= '0' && *fmt <= '9')
                    sp.precision = sp.precision * 10 + (*fmt++ - '0');
            }
        }
        for (;; fmt++) {
            if (*fmt == 'l') sp.size = sp.size == 1 ? 2 : 1;
            else if (*fmt == 'z') sp.size = 3;
            else if (*fmt == 'h') sp.size = -1;
            else break;
        }

        unsigned long long u;
        long long s;
        switch (*fmt) {
        case 'd':
        case 'i':
            if (sp.size == 2) s = va_arg(ap, long long);
            else if (sp.size == 1 || sp.size == 3) s = va_arg(ap, long);
            else s = va_arg(ap, int);
            u = s < 0 ? -(unsigned long long)s : (unsigned long long)s;
            emit_number(&o, &sp, u, s < 0, 10, 0);
            break;
        case 'u':
        case 'x':
        case 'X':
        case 'o':
            if (sp.size == 2) u = va_arg(ap, unsigned long long);
            else if (sp.size == 1 || sp.size == 3) u = va_arg(ap, unsigned long);
            else u = va_arg(ap, unsigned int);
            if (sp.size == -1)
                u &= 0xFFFF;
            emit_number(&o, &sp, u, 0, *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16, *fmt == 'X');
            break;
        case 'p':
            sp.alt = 1;
            emit_number(&o, &sp, (unsigned long)va_arg(ap, void *), 0, 16, 0);
            break;
        case 's':
            emit_string(&o, &sp, va_arg(ap, const char *));
            break;
        case 'c': {
            char c[2] = { (char)va_arg(ap, int), 0 };
            sp.precision = 1;
            emit_string(&o, &sp, c[0] ? c : "");
            if (!c[0])
                put(&o, '\0');
            break;
        }
        case '%':
            put(&o, '%');
            break;
        case '\0':
            fmt--;
            break;
        default:                /* unknown conversion: show it as written */
            put(&o, '%');
            put(&o, *fmt);
            break;
        }
    }
    return o.count;
}

struct bounded {
    char *buf;
    size_t size, len;
};

static void bounded_sink(char c, void *arg)
{
    struct bounded *b = arg;
    if (b->len + 1 < b->size)
        b->buf[b->len] = c;
    b->len++;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct bounded b = { buf, size, 0 };
    int n = vformat(bounded_sink, &b, fmt, ap);
    if (size)
        buf[b.len < size ? b.len : size - 1] = '\0';
    return n;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
