/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Flow selection: a recursive-descent compiler of nfdump's filter language into a tree, and its matcher. */
#include "config.h"

#include "filter.h"

#include <arpa/inet.h>
#include <string.h>

typedef enum {
  N_AND, N_OR, N_NOT, N_ANY,
  N_PROTO, N_ADDR, N_PORT, N_COUNT, N_FLAGS, N_ACTION, N_DIRECTION, N_TEXT,
} NodeKind;

typedef enum { D_EITHER, D_SRC, D_DST } Direction;
typedef enum { C_EQ, C_GT, C_LT, C_GE, C_LE } Comparison;

typedef struct {
  guint8 family; /* 4 or 6 */
  guint8 bytes[16];
  guint bits;
} Prefix;

typedef struct {
  NodeKind kind;
  guint left, right;   /* N_AND, N_OR: children; N_NOT: left */
  Direction direction;
  Comparison cmp;
  guint64 value;       /* N_PROTO, N_PORT, N_COUNT, N_FLAGS, N_ACTION, N_DIRECTION */
  guint element;       /* N_COUNT, N_TEXT: a VpcElementIndex (N_TEXT with direction: SRC service) */
  GArray *prefixes;    /* N_ADDR: Prefix, any of them */
  GArray *values;      /* N_PORT "in": guint64, any of them (NULL: value with cmp) */
  char *text;          /* N_TEXT */
} Node;

struct VpcFilter {
  GArray *nodes; /* Node */
  guint root;
};

static void
node_clear (gpointer data)
{
  Node *n = data;
  if (n->prefixes != NULL)
    g_array_unref (n->prefixes);
  if (n->values != NULL)
    g_array_unref (n->values);
  g_free (n->text);
}

void
vpc_filter_free (VpcFilter *filter)
{
  if (filter == NULL)
    return;
  g_array_unref (filter->nodes);
  g_free (filter);
}

/* ---- the lexer ---------------------------------------------------------------- */

typedef enum { T_END, T_WORD, T_LPAREN, T_RPAREN, T_LBRACKET, T_RBRACKET, T_CMP, T_AND, T_OR, T_NOT } TokenKind;

typedef struct {
  TokenKind kind;
  gsize start, len;
} Token;

typedef struct {
  const char *expr;
  gsize pos;
  Token token; /* the next one */
  VpcFilter *filter;
  GError **error;
  gboolean failed;
} Compiler;

static gboolean
is_word_char (char c)
{
  return c != '\0' && !g_ascii_isspace (c) && strchr ("()[]!<>=&|", c) == NULL;
}

static void
lex (Compiler *c)
{
  const char *e = c->expr;
  while (g_ascii_isspace (e[c->pos]))
    c->pos++;
  Token *t = &c->token;
  t->start = c->pos;
  t->len = 1;
  char ch = e[c->pos];
  switch (ch)
    {
    case '\0': t->kind = T_END; t->len = 0; return;
    case '(': t->kind = T_LPAREN; break;
    case ')': t->kind = T_RPAREN; break;
    case '[': t->kind = T_LBRACKET; break;
    case ']': t->kind = T_RBRACKET; break;
    case '<': case '>': case '=':
      t->kind = T_CMP;
      if (e[c->pos + 1] == '=')
        t->len = 2;
      break;
    case '!':
      t->kind = e[c->pos + 1] == '=' ? T_WORD : T_NOT; /* "!=" is not supported: a bad word */
      break;
    case '&': case '|':
      t->kind = ch == '&' ? T_AND : T_OR;
      if (e[c->pos + 1] != ch)
        t->kind = T_WORD; /* a lone & or |: reported as unexpected */
      else
        t->len = 2;
      break;
    default:
      t->kind = T_WORD;
      t->len = 0;
      while (is_word_char (e[c->pos + t->len]))
        t->len++;
    }
  c->pos += t->len;
}

static gboolean
token_is (const Compiler *c, const char *word)
{
  return c->token.kind == T_WORD && c->token.len == strlen (word)
         && g_ascii_strncasecmp (c->expr + c->token.start, word, c->token.len) == 0;
}

static char *
token_text (const Compiler *c)
{
  return g_strndup (c->expr + c->token.start, c->token.len);
}

/* Fail at the current token: "column N: expected WHAT, found 'X'". */
static guint
fail (Compiler *c, const char *what)
{
  if (c->failed)
    return 0;
  c->failed = TRUE;
  g_autofree char *found = c->token.kind == T_END ? g_strdup ("the end")
                                                   : g_strdup_printf ("'%.*s'", (int) c->token.len,
                                                                      c->expr + c->token.start);
  g_set_error (c->error, VPC_ERROR, VPC_ERROR_USAGE, "--filter: column %" G_GSIZE_FORMAT
                                                     ": expected %s, found %s",
               c->token.start + 1, what, found);
  return 0;
}

static guint
add_node (Compiler *c, const Node *node)
{
  g_array_append_vals (c->filter->nodes, node, 1);
  return c->filter->nodes->len - 1;
}

/* ---- values ------------------------------------------------------------------- */

/* A whole number up to max, with nfdump's scale letters when scaled. */
static gboolean
parse_number (const char *text, gboolean scaled, guint64 max, guint64 *out)
{
  gsize len = strlen (text);
  guint64 scale = 1;
  if (scaled && len > 1)
    switch (g_ascii_tolower (text[len - 1]))
      {
      case 'k': scale = 1000; len--; break;
      case 'm': scale = 1000 * 1000; len--; break;
      case 'g': scale = 1000 * 1000 * 1000; len--; break;
      default: break;
      }
  if (len == 0 || len > 19)
    return FALSE;
  guint64 v = 0;
  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        return FALSE;
      v = v * 10 + (guint64) (text[i] - '0');
    }
  if (v > max / scale)
    return FALSE;
  *out = v * scale;
  return TRUE;
}

/* "ADDR" (all bits) or, with allow_bits, "ADDR/BITS". */
static gboolean
parse_prefix (const char *text, gboolean allow_bits, Prefix *p)
{
  memset (p, 0, sizeof *p);
  g_autofree char *addr = g_strdup (text);
  char *slash = strchr (addr, '/');
  if (slash != NULL)
    {
      if (!allow_bits)
        return FALSE;
      *slash = '\0';
    }
  if (strchr (addr, ':') != NULL)
    p->family = 6, p->bits = 128;
  else
    p->family = 4, p->bits = 32;
  if (inet_pton (p->family == 4 ? AF_INET : AF_INET6, addr, p->bytes) != 1)
    return FALSE;
  if (slash != NULL)
    {
      guint64 bits;
      if (!parse_number (slash + 1, FALSE, p->bits, &bits))
        return FALSE;
      p->bits = (guint) bits;
    }
  return TRUE;
}

static const struct {
  const char *name;
  guint8 number;
} protocols[] = {
  { "icmp", 1 }, { "igmp", 2 }, { "tcp", 6 }, { "udp", 17 }, { "gre", 47 }, { "esp", 50 },
  { "ah", 51 }, { "icmp6", 58 }, { "ipv6-icmp", 58 }, { "sctp", 132 },
};

/* TCP flag bits: nfdump's letters and the names. */
static const struct {
  char letter;
  const char *name;
  guint8 bit;
} tcp_flags[] = {
  { 'F', "FIN", 0x01 }, { 'S', "SYN", 0x02 }, { 'R', "RST", 0x04 }, { 'P', "PSH", 0x08 },
  { 'A', "ACK", 0x10 }, { 'U', "URG", 0x20 }, { 'E', "ECE", 0x40 }, { 'C', "CWR", 0x80 },
};

/* ---- the grammar ---------------------------------------------------------------- */

static guint parse_or (Compiler *c);

/* An optional comparison: a symbol or eq/gt/lt/ge/le. */
static Comparison
parse_comparison (Compiler *c)
{
  static const struct {
    const char *text;
    Comparison cmp;
  } words[] = { { "=", C_EQ }, { "==", C_EQ }, { ">", C_GT }, { "<", C_LT }, { ">=", C_GE },
                { "<=", C_LE }, { "eq", C_EQ }, { "gt", C_GT }, { "lt", C_LT }, { "ge", C_GE },
                { "le", C_LE } };
  if (c->token.kind != T_CMP && c->token.kind != T_WORD)
    return C_EQ;
  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    if (c->token.len == strlen (words[i].text)
        && g_ascii_strncasecmp (c->expr + c->token.start, words[i].text, c->token.len) == 0)
      {
        lex (c);
        return words[i].cmp;
      }
  return C_EQ;
}

/* "[ WORD WORD ... ]": calls take for each word; FALSE on failure. */
static gboolean
parse_list (Compiler *c, gboolean (*take) (Compiler *c, Node *node), Node *node, const char *what)
{
  if (c->token.kind != T_LBRACKET)
    return fail (c, "'['"), FALSE;
  lex (c);
  guint n = 0;
  while (c->token.kind == T_WORD)
    {
      if (!take (c, node))
        return fail (c, what), FALSE;
      lex (c);
      n++;
    }
  if (n == 0)
    return fail (c, what), FALSE;
  if (c->token.kind != T_RBRACKET)
    return fail (c, "']'"), FALSE;
  lex (c);
  return TRUE;
}

static gboolean
take_prefix (Compiler *c, Node *node)
{
  g_autofree char *text = token_text (c);
  Prefix p;
  if (!parse_prefix (text, TRUE, &p))
    return FALSE;
  g_array_append_val (node->prefixes, p);
  return TRUE;
}

static gboolean
take_port (Compiler *c, Node *node)
{
  g_autofree char *text = token_text (c);
  guint64 port;
  if (!parse_number (text, FALSE, 65535, &port))
    return FALSE;
  g_array_append_val (node->values, port);
  return TRUE;
}

/* The word after a keyword, as text; NULL (failed) if there is none. */
static char *
expect_word (Compiler *c, const char *what)
{
  if (c->token.kind != T_WORD)
    return fail (c, what), NULL;
  char *text = token_text (c);
  lex (c);
  return text;
}

static guint
parse_address (Compiler *c, Node *node, gboolean net)
{
  node->kind = N_ADDR;
  node->prefixes = g_array_new (FALSE, FALSE, sizeof (Prefix));
  if (!net && token_is (c, "in"))
    {
      lex (c);
      if (!parse_list (c, take_prefix, node, "an address or ADDR/BITS"))
        return node_clear (node), 0;
      return add_node (c, node);
    }
  if (c->token.kind != T_WORD || !take_prefix (c, node)
      || (!net && g_array_index (node->prefixes, Prefix, 0).bits
                      != (g_array_index (node->prefixes, Prefix, 0).family == 4 ? 32u : 128u)))
    {
      node_clear (node);
      return fail (c, net ? "ADDR/BITS" : "an IPv4 or IPv6 address");
    }
  lex (c);
  return add_node (c, node);
}

static guint
parse_port (Compiler *c, Node *node)
{
  node->kind = N_PORT;
  if (token_is (c, "in"))
    {
      lex (c);
      node->values = g_array_new (FALSE, FALSE, sizeof (guint64));
      if (!parse_list (c, take_port, node, "a port number"))
        return node_clear (node), 0;
      return add_node (c, node);
    }
  node->cmp = parse_comparison (c);
  g_autofree char *text = c->token.kind == T_WORD ? token_text (c) : NULL;
  if (text == NULL || !parse_number (text, FALSE, 65535, &node->value))
    return fail (c, "a port number (0-65535)");
  lex (c);
  return add_node (c, node);
}

/* [src|dst] ip|host|net|port|service ... */
static guint
parse_directed (Compiler *c, Node *node)
{
  if (token_is (c, "ip") || token_is (c, "host"))
    return lex (c), parse_address (c, node, FALSE);
  if (token_is (c, "net"))
    return lex (c), parse_address (c, node, TRUE);
  if (token_is (c, "port"))
    return lex (c), parse_port (c, node);
  if (token_is (c, "service"))
    {
      lex (c);
      node->kind = N_TEXT;
      node->element = VPC_EL_PKT_SRC_SERVICE;
      node->text = expect_word (c, "an AWS service name (S3, EC2, AMAZON, ...)");
      return node->text != NULL ? add_node (c, node) : 0;
    }
  return fail (c, "ip, host, net, port or service");
}

static guint
parse_primitive (Compiler *c)
{
  Node node = { 0 };
  if (c->token.kind != T_WORD)
    return fail (c, "a filter primitive (proto, ip, net, port, packets, action, ...)");
  if (token_is (c, "any"))
    {
      lex (c);
      node.kind = N_ANY;
      return add_node (c, &node);
    }
  if (token_is (c, "src") || token_is (c, "dst"))
    {
      node.direction = token_is (c, "src") ? D_SRC : D_DST;
      lex (c);
      return parse_directed (c, &node);
    }
  if (token_is (c, "ip") || token_is (c, "host") || token_is (c, "net") || token_is (c, "port")
      || token_is (c, "service"))
    return parse_directed (c, &node);
  if (token_is (c, "proto"))
    {
      lex (c);
      node.kind = N_PROTO;
      g_autofree char *name = c->token.kind == T_WORD ? token_text (c) : NULL;
      gboolean known = name != NULL && parse_number (name, FALSE, 255, &node.value);
      for (guint i = 0; !known && name != NULL && i < G_N_ELEMENTS (protocols); i++)
        if (g_ascii_strcasecmp (name, protocols[i].name) == 0)
          {
            node.value = protocols[i].number;
            known = TRUE;
          }
      if (!known)
        return fail (c, "a protocol (tcp, udp, icmp, icmp6, or 0-255)");
      lex (c);
      return add_node (c, &node);
    }
  if (token_is (c, "packets") || token_is (c, "bytes"))
    {
      node.kind = N_COUNT;
      node.element = token_is (c, "packets") ? VPC_EL_PACKETS : VPC_EL_OCTETS;
      lex (c);
      node.cmp = parse_comparison (c);
      g_autofree char *text = c->token.kind == T_WORD ? token_text (c) : NULL;
      if (text == NULL || !parse_number (text, TRUE, G_MAXUINT64, &node.value))
        return fail (c, "a count (N, Nk, Nm or Ng)");
      lex (c);
      return add_node (c, &node);
    }
  if (token_is (c, "flags") || token_is (c, "tcp-flags"))
    {
      gboolean letters = token_is (c, "flags");
      lex (c);
      g_autofree char *text = c->token.kind == T_WORD ? token_text (c) : NULL;
      node.kind = N_FLAGS;
      gboolean ok = text != NULL;
      if (ok && letters)
        for (const char *p = text; ok && *p; p++)
          {
            ok = FALSE;
            for (guint i = 0; i < G_N_ELEMENTS (tcp_flags); i++)
              if (g_ascii_toupper (*p) == tcp_flags[i].letter)
                node.value |= tcp_flags[i].bit, ok = TRUE;
          }
      else if (ok)
        {
          g_auto (GStrv) names = g_strsplit (text, ",", -1);
          for (guint k = 0; ok && names[k] != NULL; k++)
            {
              ok = FALSE;
              for (guint i = 0; i < G_N_ELEMENTS (tcp_flags); i++)
                if (g_ascii_strcasecmp (names[k], tcp_flags[i].name) == 0)
                  node.value |= tcp_flags[i].bit, ok = TRUE;
            }
        }
      if (!ok)
        return fail (c, letters ? "TCP flag letters (FSRPAUEC)"
                                : "TCP flag names (FIN,SYN,RST,PSH,ACK,URG,ECE,CWR)");
      lex (c);
      return add_node (c, &node);
    }
  if (token_is (c, "action"))
    {
      lex (c);
      node.kind = N_ACTION;
      if (token_is (c, "accept"))
        node.value = VPC_FORWARDING_STATUS_FORWARDED;
      else if (token_is (c, "reject"))
        node.value = VPC_FORWARDING_STATUS_ACL_DENY;
      else
        return fail (c, "accept or reject");
      lex (c);
      return add_node (c, &node);
    }
  if (token_is (c, "direction"))
    {
      lex (c);
      node.kind = N_DIRECTION;
      if (token_is (c, "ingress"))
        node.value = 0;
      else if (token_is (c, "egress"))
        node.value = 1;
      else
        return fail (c, "ingress or egress");
      lex (c);
      return add_node (c, &node);
    }
  static const struct {
    const char *keyword;
    VpcElementIndex element;
  } texts[] = {
    { "account", VPC_EL_ACCOUNT_ID }, { "vpc", VPC_EL_VPC_ID },       { "subnet", VPC_EL_SUBNET_ID },
    { "instance", VPC_EL_INSTANCE_ID }, { "interface", VPC_EL_IF_NAME }, { "region", VPC_EL_REGION },
    { "az", VPC_EL_AZ_ID },
  };
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    if (token_is (c, texts[i].keyword))
      {
        lex (c);
        node.kind = N_TEXT;
        node.element = texts[i].element;
        node.text = expect_word (c, "a name");
        return node.text != NULL ? add_node (c, &node) : 0;
      }
  return fail (c, "a filter primitive (proto, ip, net, port, packets, action, ...)");
}

static guint
parse_not (Compiler *c)
{
  if (c->token.kind == T_NOT || token_is (c, "not"))
    {
      lex (c);
      guint inner = parse_not (c);
      if (c->failed)
        return 0;
      Node node = { .kind = N_NOT, .left = inner };
      return add_node (c, &node);
    }
  if (c->token.kind == T_LPAREN)
    {
      lex (c);
      guint inner = parse_or (c);
      if (c->failed)
        return 0;
      if (c->token.kind != T_RPAREN)
        return fail (c, "')'");
      lex (c);
      return inner;
    }
  return parse_primitive (c);
}

static guint
parse_and (Compiler *c)
{
  guint left = parse_not (c);
  while (!c->failed && (c->token.kind == T_AND || token_is (c, "and")))
    {
      lex (c);
      guint right = parse_not (c);
      if (c->failed)
        return 0;
      Node node = { .kind = N_AND, .left = left, .right = right };
      left = add_node (c, &node);
    }
  return left;
}

static guint
parse_or (Compiler *c)
{
  guint left = parse_and (c);
  while (!c->failed && (c->token.kind == T_OR || token_is (c, "or")))
    {
      lex (c);
      guint right = parse_and (c);
      if (c->failed)
        return 0;
      Node node = { .kind = N_OR, .left = left, .right = right };
      left = add_node (c, &node);
    }
  return left;
}

VpcFilter *
vpc_filter_new (const char *expr, GError **error)
{
  g_autoptr (VpcFilter) filter = g_new0 (VpcFilter, 1);
  filter->nodes = g_array_new (FALSE, TRUE, sizeof (Node));
  g_array_set_clear_func (filter->nodes, node_clear);
  Compiler c = { .expr = expr, .filter = filter, .error = error };
  lex (&c);
  filter->root = parse_or (&c);
  if (!c.failed && c.token.kind != T_END)
    fail (&c, "'and', 'or' or the end");
  if (c.failed)
    return NULL;
  return g_steal_pointer (&filter);
}

/* ---- matching ------------------------------------------------------------------- */

#define HAS(mask, el) (((mask) >> (el)) & 1)

static gboolean
prefix_matches (const Prefix *p, guint8 family, const guint8 *bytes)
{
  if (p->family != family)
    return FALSE;
  guint whole = p->bits / 8, rest = p->bits % 8;
  if (memcmp (p->bytes, bytes, whole) != 0)
    return FALSE;
  if (rest == 0)
    return TRUE;
  guint8 m = (guint8) (0xff << (8 - rest));
  return (p->bytes[whole] & m) == (bytes[whole] & m);
}

/* The flow's source (src TRUE) or destination address against node's prefixes. */
static gboolean
address_matches (const Node *node, const VpcFlow *flow, guint64 mask, gboolean src)
{
  guint8 bytes[16];
  guint8 family;
  if (HAS (mask, src ? VPC_EL_SRC4 : VPC_EL_DST4))
    {
      guint32 v = htonl (src ? flow->sourceIPv4Address : flow->destinationIPv4Address);
      memcpy (bytes, &v, 4);
      family = 4;
    }
  else if (HAS (mask, src ? VPC_EL_SRC6 : VPC_EL_DST6))
    {
      memcpy (bytes, src ? flow->sourceIPv6Address : flow->destinationIPv6Address, 16);
      family = 6;
    }
  else
    return FALSE;
  for (guint i = 0; i < node->prefixes->len; i++)
    if (prefix_matches (&g_array_index (node->prefixes, Prefix, i), family, bytes))
      return TRUE;
  return FALSE;
}

static gboolean
compare (Comparison cmp, guint64 a, guint64 b)
{
  switch (cmp)
    {
    case C_EQ: return a == b;
    case C_GT: return a > b;
    case C_LT: return a < b;
    case C_GE: return a >= b;
    case C_LE: return a <= b;
    }
  return FALSE;
}

static gboolean
port_matches (const Node *node, const VpcFlow *flow, guint64 mask, gboolean src)
{
  if (!HAS (mask, src ? VPC_EL_SRCPORT : VPC_EL_DSTPORT))
    return FALSE;
  guint64 port = src ? flow->sourceTransportPort : flow->destinationTransportPort;
  if (node->values == NULL)
    return compare (node->cmp, port, node->value);
  for (guint i = 0; i < node->values->len; i++)
    if (g_array_index (node->values, guint64, i) == port)
      return TRUE;
  return FALSE;
}

static gboolean
text_matches (const Node *node, const VpcFlow *flow, guint64 mask, guint element)
{
  if (!HAS (mask, element))
    return FALSE;
  const fbVarfield_t *v = element == VPC_EL_IF_NAME
                              ? &flow->interfaceName
                              : &flow->text[element - VPC_EL_FIRST_TEXT];
  gsize len = strlen (node->text);
  return v->len == len && g_ascii_strncasecmp ((const char *) v->buf, node->text, len) == 0;
}

static gboolean
node_matches (const VpcFilter *filter, guint index, const VpcFlow *flow, guint64 mask)
{
  const Node *node = &g_array_index (filter->nodes, Node, index);
  gboolean src = node->direction != D_DST, dst = node->direction != D_SRC;
  switch (node->kind)
    {
    case N_AND:
      return node_matches (filter, node->left, flow, mask)
             && node_matches (filter, node->right, flow, mask);
    case N_OR:
      return node_matches (filter, node->left, flow, mask)
             || node_matches (filter, node->right, flow, mask);
    case N_NOT:
      return !node_matches (filter, node->left, flow, mask);
    case N_ANY:
      return TRUE;
    case N_PROTO:
      return HAS (mask, VPC_EL_PROTOCOL) && flow->protocolIdentifier == node->value;
    case N_ADDR:
      return (src && address_matches (node, flow, mask, TRUE))
             || (dst && address_matches (node, flow, mask, FALSE));
    case N_PORT:
      return (src && port_matches (node, flow, mask, TRUE))
             || (dst && port_matches (node, flow, mask, FALSE));
    case N_COUNT:
      return HAS (mask, node->element)
             && compare (node->cmp,
                         node->element == VPC_EL_PACKETS ? flow->packetDeltaCount
                                                         : flow->octetDeltaCount,
                         node->value);
    case N_FLAGS:
      return HAS (mask, VPC_EL_TCP_FLAGS) && (flow->tcpControlBits & node->value) == node->value;
    case N_ACTION:
      return HAS (mask, VPC_EL_FORWARDING_STATUS) && flow->forwardingStatus == node->value;
    case N_DIRECTION:
      return HAS (mask, VPC_EL_FLOW_DIRECTION) && flow->flowDirection == node->value;
    case N_TEXT:
      if (node->element == VPC_EL_PKT_SRC_SERVICE)
        return (src && text_matches (node, flow, mask, VPC_EL_PKT_SRC_SERVICE))
               || (dst && text_matches (node, flow, mask, VPC_EL_PKT_DST_SERVICE));
      return text_matches (node, flow, mask, node->element);
    }
  return FALSE;
}

gboolean
vpc_filter_match (const VpcFilter *filter, const VpcFlow *flow, guint64 mask)
{
  return node_matches (filter, filter->root, flow, mask);
}
