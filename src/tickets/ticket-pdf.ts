import PDFDocument from 'pdfkit';
import { ticketQrModules } from './ticket-qr.js';
import { localTime, placesText, type TicketView } from './ticket-view.js';

const QR_SIZE = 200;

/**
 * A printable A6 ticket: film, place, time in the place's zone, seats, holder, and the QR code
 * drawn as vectors (sharp at any print resolution). The standard fonts cover Latin-1 only.
 */
export function ticketPdf(ticket: TicketView): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A6',
    margin: 24,
    info: { Title: `Ticket: ${ticket.screening.film.title}`, Author: 'cowatch' },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - 48;
  doc.font('Helvetica').fontSize(9).fillColor('#555555').text('COWATCH TICKET', { width });
  doc.moveDown(0.3);
  doc.font('Helvetica-Bold').fontSize(16).fillColor('#000000');
  doc.text(ticket.screening.film.title, { width });
  doc.font('Helvetica').fontSize(10);
  doc.text(ticket.screening.place.name, { width });
  doc.text(localTime(ticket.screening.startsAt, ticket.timeZone), { width });
  doc.moveDown(0.3);
  doc.font('Helvetica-Bold').text(placesText(ticket), { width });
  doc.font('Helvetica').text(ticket.holder.displayName, { width });
  drawQr(doc, ticket.code, 24 + (width - QR_SIZE) / 2, doc.y + 10);
  doc
    .font('Courier')
    .fontSize(7)
    .text(ticket.code, 24, doc.y + QR_SIZE + 16, {
      width,
      align: 'center',
    });
  doc.end();
  return done;
}

function drawQr(doc: PDFKit.PDFDocument, code: string, x: number, y: number): void {
  const modules = ticketQrModules(code);
  const cell = QR_SIZE / modules.length;
  modules.forEach((cells, row) => {
    cells.forEach((dark, col) => {
      if (dark) doc.rect(x + col * cell, y + row * cell, cell, cell);
    });
  });
  doc.fillColor('#000000').fill();
}
