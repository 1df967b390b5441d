// Parse an iCalendar file from stdin with Mozilla's ical.js (vendored) and print what a calendar client reads.
const ICAL = require("../../static/vendor/ical.js/ical.es5.min.cjs");
let text = "";
process.stdin.on("data", (chunk) => { text += chunk; });
process.stdin.on("end", () => {
  const cal = new ICAL.Component(ICAL.parse(text));
  const vevent = cal.getFirstSubcomponent("vevent");
  const event = new ICAL.Event(vevent);
  process.stdout.write(JSON.stringify({
    method: cal.getFirstPropertyValue("method"),
    uid: event.uid,
    sequence: event.sequence,
    url: vevent.getFirstPropertyValue("url"),
    location: event.location,
    status: vevent.getFirstPropertyValue("status"),
    start: event.startDate.toJSDate().toISOString(),
    organizer: event.organizer,
    attendees: event.attendees.map((a) => a.getFirstValue()),
  }));
});
