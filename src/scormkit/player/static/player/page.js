/* Without course data (a page that is not the player's; Node.js, for the tests of the functions above) the
   player stops here: the rest needs the course and the page. */
if (!document.getElementById('course-data')) return;
