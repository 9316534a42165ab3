import { LocationProvider, Route, Router } from 'preact-iso';
import { LoginPage } from './features/auth/login-page';
import { BookingsPage } from './features/bookings/bookings-page';
import { CheckoutPage } from './features/checkout/checkout-page';
import { FilmPage } from './features/films/film-page';
import { FilmsPage } from './features/films/films-page';
import { FriendsPage } from './features/friends/friends-page';
import { NotificationsPage } from './features/notifications/notifications-page';
import { PlacesPage } from './features/places/places-page';
import { RoomPage } from './features/rooms/room-page';
import { ScreeningPage } from './features/screenings/screening-page';
import { ScreeningsPage } from './features/screenings/screenings-page';
import { Layout } from './ui/layout';
import { RequireSignIn } from './ui/require-sign-in';

function signedIn<P extends object>(Page: (props: P) => preact.JSX.Element) {
  return (props: P) => (
    <RequireSignIn>
      <Page {...props} />
    </RequireSignIn>
  );
}

const Checkout = signedIn(CheckoutPage);
const Bookings = signedIn(BookingsPage);
const Places = signedIn(PlacesPage);
const Notifications = signedIn(NotificationsPage);
const Friends = signedIn(FriendsPage);
const RoomScreen = signedIn(RoomPage);

function NotFound() {
  return (
    <section>
      <h1>Not found</h1>
      <p>
        Nothing lives at this address. <a href="/films">Browse the films</a>.
      </p>
    </section>
  );
}

// One folder per feature under features/; each screen is one route here. The server's SPA
// fallback (src/api/web/client-routes.ts) must list each first path segment used below.
export function App() {
  return (
    <LocationProvider>
      <Layout>
        <Router>
          <Route path="/" component={FilmsPage} />
          <Route path="/login" component={LoginPage} />
          <Route path="/films" component={FilmsPage} />
          <Route path="/films/:id" component={FilmPage} />
          <Route path="/screenings" component={ScreeningsPage} />
          <Route path="/screenings/:id" component={ScreeningPage} />
          <Route path="/checkout/:id" component={Checkout} />
          <Route path="/bookings" component={Bookings} />
          <Route path="/places" component={Places} />
          <Route path="/notifications" component={Notifications} />
          <Route path="/friends" component={Friends} />
          <Route path="/rooms/:id" component={RoomScreen} />
          <Route default component={NotFound} />
        </Router>
      </Layout>
    </LocationProvider>
  );
}
