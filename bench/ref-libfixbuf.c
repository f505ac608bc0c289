/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The benchmark's reference converter: default-format VPC Flow Log lines to IPFIX through libfixbuf, single-threaded, fixed-size records. */

/*
 *   ref-libfixbuf INPUT OUTPUT
 *
 * What a plain program does with libfixbuf: read the file in large blocks,
 * split each line of the 14-field version 2 format on spaces, parse the
 * values, and fBufAppend() one record of a fixed-size internal template
 * (the strings in fixed-length fields: interfaceName 21 bytes, the account
 * ID 12 bytes, as the external template too) per flow: a template for IPv4
 * flows, one for IPv6.  The header line, NODATA and SKIPDATA records are
 * skipped; a '-' value is 0; a malformed line is counted and skipped.  It
 * carries the information of vpc2ipfix's default records (no interface
 * table, no RFC 5610 records, no statistics), so that `make bench` can
 * show what a straightforward converter costs on the same machine in the
 * same run.  Not installed; built by `make bench`.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <fixbuf/public.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PEN 32473 /* vpc2ipfix's enterprise elements (RFC 5612 documentation number) */

static fbInfoElement_t extra_elements[] = {
  FB_IE_INIT_FULL ("awsFlowLogVersion", PEN, 1, 1, FB_IE_F_ENDIAN, 0, 255, FB_UINT_8, NULL),
  FB_IE_INIT_FULL ("awsAccountId", PEN, 2, FB_IE_VARLEN, FB_IE_DEFAULT, 0, 0, FB_STRING, NULL),
  FB_IE_NULL
};

/* Internal and external record: no padding but at the end. */
typedef struct {
  uint64_t flowStartMilliseconds;
  uint64_t flowEndMilliseconds;
  uint64_t packetDeltaCount;
  uint64_t octetDeltaCount;
  uint8_t sourceIPv6Address[16];
  uint8_t destinationIPv6Address[16];
  uint32_t sourceIPv4Address;
  uint32_t destinationIPv4Address;
  uint32_t ingressInterface;
  uint16_t sourceTransportPort;
  uint16_t destinationTransportPort;
  uint8_t protocolIdentifier;
  uint8_t forwardingStatus;
  uint8_t firewallEvent;
  uint8_t awsFlowLogVersion;
  char interfaceName[21];
  char awsAccountId[12];
  uint8_t padding[7];
} Record;

#define SPEC(name, member) { (char *) name, sizeof ((Record *) 0)->member, 0 }
static fbInfoElementSpec_t v4_spec[] = {
  SPEC ("flowStartMilliseconds", flowStartMilliseconds),
  SPEC ("flowEndMilliseconds", flowEndMilliseconds),
  SPEC ("packetDeltaCount", packetDeltaCount),
  SPEC ("octetDeltaCount", octetDeltaCount),
  { (char *) "paddingOctets", 32, 1 }, /* the IPv6 addresses */
  SPEC ("sourceIPv4Address", sourceIPv4Address),
  SPEC ("destinationIPv4Address", destinationIPv4Address),
  SPEC ("ingressInterface", ingressInterface),
  SPEC ("sourceTransportPort", sourceTransportPort),
  SPEC ("destinationTransportPort", destinationTransportPort),
  SPEC ("protocolIdentifier", protocolIdentifier),
  SPEC ("forwardingStatus", forwardingStatus),
  SPEC ("firewallEvent", firewallEvent),
  SPEC ("awsFlowLogVersion", awsFlowLogVersion),
  SPEC ("interfaceName", interfaceName),
  SPEC ("awsAccountId", awsAccountId),
  { (char *) "paddingOctets", 7, 1 },
  FB_IESPEC_NULL
};
static fbInfoElementSpec_t v6_spec[] = {
  SPEC ("flowStartMilliseconds", flowStartMilliseconds),
  SPEC ("flowEndMilliseconds", flowEndMilliseconds),
  SPEC ("packetDeltaCount", packetDeltaCount),
  SPEC ("octetDeltaCount", octetDeltaCount),
  SPEC ("sourceIPv6Address", sourceIPv6Address),
  SPEC ("destinationIPv6Address", destinationIPv6Address),
  { (char *) "paddingOctets", 8, 1 }, /* the IPv4 addresses */
  SPEC ("ingressInterface", ingressInterface),
  SPEC ("sourceTransportPort", sourceTransportPort),
  SPEC ("destinationTransportPort", destinationTransportPort),
  SPEC ("protocolIdentifier", protocolIdentifier),
  SPEC ("forwardingStatus", forwardingStatus),
  SPEC ("firewallEvent", firewallEvent),
  SPEC ("awsFlowLogVersion", awsFlowLogVersion),
  SPEC ("interfaceName", interfaceName),
  SPEC ("awsAccountId", awsAccountId),
  { (char *) "paddingOctets", 7, 1 },
  FB_IESPEC_NULL
};

static int
fail (const char *what, GError *error)
{
  fprintf (stderr, "ref-libfixbuf: %s: %s\n", what, error != NULL ? error->message : "failed");
  return 1;
}

static int
parse_u64 (const char *s, size_t len, uint64_t *out)
{
  if (len == 1 && s[0] == '-')
    {
      *out = 0;
      return 1;
    }
  if (len == 0 || len > 19)
    return 0;
  uint64_t v = 0;
  for (size_t i = 0; i < len; i++)
    {
      unsigned d = (unsigned char) s[i] - '0';
      if (d > 9)
        return 0;
      v = v * 10 + d;
    }
  *out = v;
  return 1;
}

/* An address: 4 (v4 in *v4, host order), 6 (v6 in v6) or 0. */
static int
parse_addr (const char *s, size_t len, uint32_t *v4, uint8_t *v6)
{
  if (memchr (s, ':', len) == NULL)
    {
      /* a.b.c.d, each 0..255 */
      uint32_t v = 0, octet = 0;
      int dots = 0, digits = 0;
      for (size_t i = 0; i < len; i++)
        {
          if (s[i] == '.' && digits > 0 && dots < 3)
            {
              v = v << 8 | octet;
              octet = 0;
              digits = 0;
              dots++;
            }
          else if (s[i] >= '0' && s[i] <= '9' && digits < 3)
            {
              octet = octet * 10 + (uint32_t) (s[i] - '0');
              digits++;
              if (octet > 255)
                return 0;
            }
          else
            return 0;
        }
      if (dots != 3 || digits == 0)
        return 0;
      *v4 = v << 8 | octet;
      return 4;
    }
  char buf[INET6_ADDRSTRLEN];
  if (len >= sizeof buf)
    return 0;
  memcpy (buf, s, len);
  buf[len] = '\0';
  return inet_pton (AF_INET6, buf, v6) == 1 ? 6 : 0;
}

static uint32_t
interface_index (const char *name, size_t len)
{
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < len; i++)
    h = (h ^ (uint8_t) name[i]) * 16777619u;
  return 1 + h % 65535;
}

/* One line (NUL-free, no newline) into rec: 1 a flow, 0 skipped, -1 malformed. */
static int
parse_line (char *line, size_t len, Record *rec, int *family)
{
  const char *tok[14];
  size_t tlen[14];
  size_t n = 0, i = 0;
  while (i < len && n < 14)
    {
      while (i < len && line[i] == ' ')
        i++;
      if (i == len)
        break;
      size_t start = i;
      const char *sp = memchr (line + i, ' ', len - i);
      i = sp != NULL ? (size_t) (sp - line) : len;
      tok[n] = line + start;
      tlen[n++] = i - start;
    }
  while (i < len && line[i] == ' ')
    i++;
  if (n != 14 || i != len)
    return -1;
  if (tlen[13] != 2 || memcmp (tok[13], "OK", 2) != 0)
    return tlen[13] >= 6 ? 0 : -1; /* NODATA, SKIPDATA */
  uint64_t v, start, end;
  memset (rec, 0, sizeof *rec);
  if (!parse_u64 (tok[0], tlen[0], &v) || v > 255)
    return -1;
  rec->awsFlowLogVersion = (uint8_t) v;
  memcpy (rec->awsAccountId, tok[1], tlen[1] < 12 ? tlen[1] : 12);
  memcpy (rec->interfaceName, tok[2], tlen[2] < 21 ? tlen[2] : 21);
  rec->ingressInterface = interface_index (tok[2], tlen[2]);
  int f1 = parse_addr (tok[3], tlen[3], &rec->sourceIPv4Address, rec->sourceIPv6Address);
  int f2 = parse_addr (tok[4], tlen[4], &rec->destinationIPv4Address,
                       rec->destinationIPv6Address);
  if (f1 == 0 || f1 != f2)
    return -1;
  *family = f1;
  if (!parse_u64 (tok[5], tlen[5], &v) || v > 65535)
    return -1;
  rec->sourceTransportPort = (uint16_t) v;
  if (!parse_u64 (tok[6], tlen[6], &v) || v > 65535)
    return -1;
  rec->destinationTransportPort = (uint16_t) v;
  if (!parse_u64 (tok[7], tlen[7], &v) || v > 255)
    return -1;
  rec->protocolIdentifier = (uint8_t) v;
  if (!parse_u64 (tok[8], tlen[8], &rec->packetDeltaCount)
      || !parse_u64 (tok[9], tlen[9], &rec->octetDeltaCount)
      || !parse_u64 (tok[10], tlen[10], &start) || !parse_u64 (tok[11], tlen[11], &end))
    return -1;
  rec->flowStartMilliseconds = start * 1000;
  rec->flowEndMilliseconds = end * 1000;
  int accept = tlen[12] == 6 && memcmp (tok[12], "ACCEPT", 6) == 0;
  rec->forwardingStatus = accept ? 64 : 129;
  rec->firewallEvent = accept ? 2 : 3;
  return 1;
}

int
main (int argc, char **argv)
{
  if (argc != 3)
    {
      fprintf (stderr, "usage: ref-libfixbuf INPUT OUTPUT\n");
      return 2;
    }
  int fd = open (argv[1], O_RDONLY);
  if (fd < 0)
    {
      fprintf (stderr, "ref-libfixbuf: %s: %s\n", argv[1], strerror (errno));
      return 1;
    }
  GError *error = NULL;
  fbInfoModel_t *model = fbInfoModelAlloc ();
  fbInfoModelAddElementArray (model, extra_elements);
  fbSession_t *session = fbSessionAlloc (model);
  /* Internal: the whole Record; external: the same fixed-size elements
   * without the padding (flag 1 leaves the paddingOctets out). */
  uint16_t tid4 = 0, tid6 = 0;
  for (int i = 0; i < 4; i++)
    {
      fbTemplate_t *t = fbTemplateAlloc (model);
      if (!fbTemplateAppendSpecArray (t, i % 2 ? v6_spec : v4_spec, i < 2 ? 1 : 0, &error))
        return fail ("template", error);
      uint16_t tid = fbSessionAddTemplate (session, i < 2, i % 2 ? 257 : 256, t, &error);
      if (tid == 0)
        return fail ("template", error);
      *(i % 2 ? &tid6 : &tid4) = tid;
    }
  fbExporter_t *exporter = fbExporterAllocFile (argv[2]);
  fBuf_t *fbuf = fBufAllocForExport (session, exporter);
  if (!fbSessionExportTemplates (session, &error))
    return fail ("templates", error);

  static char buf[1 << 20];
  size_t have = 0;
  unsigned long long flows = 0, skipped = 0, malformed = 0;
  int current = 0;
  Record rec;
  for (;;)
    {
      ssize_t got = read (fd, buf + have, sizeof buf - have);
      if (got < 0)
        {
          fprintf (stderr, "ref-libfixbuf: %s: %s\n", argv[1], strerror (errno));
          return 1;
        }
      size_t avail = have + (size_t) got;
      size_t pos = 0;
      for (;;)
        {
          char *nl = memchr (buf + pos, '\n', avail - pos);
          if (nl == NULL && got > 0)
            break;
          size_t len = nl != NULL ? (size_t) (nl - (buf + pos)) : avail - pos;
          if (nl == NULL && len == 0)
            break;
          char *line = buf + pos;
          pos += len + (nl != NULL);
          if (len > 0 && line[len - 1] == '\r')
            len--;
          if (len == 0 || (line[0] >= 'a' && line[0] <= 'z'))
            continue; /* blank, header */
          int family = 0;
          int r = parse_line (line, len, &rec, &family);
          if (r < 0)
            malformed++;
          if (r <= 0)
            {
              skipped += r == 0;
              continue;
            }
          uint16_t tid = family == 4 ? tid4 : tid6;
          if (tid != current)
            {
              if (!fBufSetInternalTemplate (fbuf, tid, &error)
                  || !fBufSetExportTemplate (fbuf, tid, &error))
                return fail ("template", error);
              current = tid;
            }
          if (!fBufAppend (fbuf, (uint8_t *) &rec, sizeof rec, &error))
            return fail ("append", error);
          flows++;
          if (nl == NULL)
            break;
        }
      if (got == 0)
        break;
      memmove (buf, buf + pos, avail - pos);
      have = avail - pos;
      if (have == sizeof buf)
        {
          fprintf (stderr, "ref-libfixbuf: a line longer than %zu bytes\n", sizeof buf);
          return 1;
        }
    }
  close (fd);
  if (!fBufEmit (fbuf, &error))
    return fail ("emit", error);
  fbExporterClose (exporter);
  fBufFree (fbuf);
  fbInfoModelFree (model);
  fprintf (stderr, "ref-libfixbuf: %llu flows, %llu NODATA/SKIPDATA, %llu malformed\n", flows,
           skipped, malformed);
  return malformed != 0;
}
